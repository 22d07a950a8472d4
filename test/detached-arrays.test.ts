// Typed arrays whose ArrayBuffer was transferred (postMessage, structuredClone) read as empty: every public
// function that takes one names it ('y: its Int32Array's ArrayBuffer was transferred...'), where they said
// 'y has 0 rows but x has 4', took it for no labels, or gave V8's own message. Any typed array of numbers is
// a target wherever fit takes one.
import { describe, expect, it } from 'vitest';
import {
  confusionMatrix,
  Dense,
  Imputer,
  Matrix,
  Normalization,
  permutationImportance,
  plotDecisionBoundary,
  plotHistory,
  Preprocessor,
  Sequential,
  setSeed,
  toCategorical,
  trainTestSplit,
} from '../lib/index.js';

function transferred<T extends ArrayBufferView>(a: T): T {
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
  return a;
}
const gone = (what: string, type = 'Int32Array') =>
  `${what}: its ${type}'s ArrayBuffer was transferred to another thread or detached, so it holds nothing now; ` +
  'pass a copy (slice()) of it';

setSeed(1);
const model = new Sequential([new Dense(3, { inputDim: 2, activation: 'softmax' })]);
model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd' });
const x = new Matrix(4, 2, Float32Array.from([0, 1, 1, 0, 1, 1, 0, 0]));
const labels = () => Int32Array.from([0, 1, 2, 1]);

describe('a transferred typed array is named, not read as empty', () => {
  it('fit and evaluate: y and sampleWeight', async () => {
    await expect(model.fit(x, transferred(labels()), { epochs: 1 })).rejects.toThrow(gone('fit: y'));
    await expect(model.fit(x, labels(), { epochs: 1, sampleWeight: transferred(new Float32Array(4)) })).rejects.toThrow(
      gone('fit: sampleWeight', 'Float32Array'),
    );
    await expect(model.evaluate(x, transferred(labels()))).rejects.toThrow(gone('evaluate: y'));
  });

  it('predict rows, Preprocessor rows, toCategorical, confusionMatrix, trainTestSplit, permutationImportance', () => {
    expect(() => model.predict([Float32Array.from([0, 1]), transferred(Float32Array.from([1, 0]))])).toThrow(
      gone('predict: x[1]', 'Float32Array'),
    );
    expect(() => new Preprocessor().fit([transferred(Float32Array.from([1]))] as never)).toThrow(
      gone('Preprocessor.fit: x[0]', 'Float32Array'),
    );
    expect(() => toCategorical(transferred(labels()))).toThrow(gone('labels'));
    expect(() => confusionMatrix(transferred(labels()), labels())).toThrow(gone('yTrue'));
    expect(() => trainTestSplit(x, transferred(labels()))).toThrow(gone('trainTestSplit: y'));
    expect(() => permutationImportance(model, x, transferred(labels()))).toThrow(gone('permutationImportance: y'));
  });

  it('Imputer rows', () => {
    expect(() => new Imputer().fit([Float32Array.from([1]), transferred(Float32Array.from([2]))])).toThrow(
      gone('Imputer.fit: x[1]', 'Float32Array'),
    );
  });

  it('plotHistory, plotDecisionBoundary and Normalization', () => {
    expect(() => plotHistory({ loss: transferred(Float32Array.from([1, 0.5])) })).toThrow(
      gone('plotHistory: loss', 'Float32Array'),
    );
    const grid = { predict: (g: Matrix) => new Matrix(g.rows, 1) };
    expect(() => plotDecisionBoundary(grid, new Matrix(2, 2), transferred(Int32Array.from([0, 1])))).toThrow(
      gone('plotDecisionBoundary: y'),
    );
    expect(() => new Normalization({ mean: transferred(Float32Array.from([1, 2])), variance: [1, 4] })).toThrow(
      gone('Normalization: mean', 'Float32Array'),
    );
  });
});

describe('typed arrays where Keras takes numpy arrays', () => {
  it("Normalization's mean and variance (it wanted a number[])", () => {
    const n = new Normalization({ mean: Float64Array.from([1, 2]), variance: Float32Array.from([1, 4]) });
    expect(n.getConfig().config).toMatchObject({ mean: [1, 2], variance: [1, 4] });
  });

  it("Dense's kernelInitializer that is neither a name nor a config says so (it said 'is required')", () => {
    expect(() => new Dense(2, { inputDim: 1, kernelInitializer: new Float32Array(2) as never })).toThrow(
      new TypeError(
        "Dense: kernelInitializer must be an initializer's name ('glorot_uniform') or { className, config }, " +
          'got a Float32Array',
      ),
    );
  });
});

describe('targets in any typed array of numbers', () => {
  it('trainTestSplit splits a Uint8Array of labels as it splits number[] (it refused it; fit takes it)', () => {
    const y = Uint8Array.from({ length: 20 }, (_, i) => i % 4);
    const rows = new Matrix(
      20,
      1,
      Float32Array.from({ length: 20 }, (_, i) => i),
    );
    const a = trainTestSplit(rows, y, { testSize: 0.25, seed: 5, stratify: true });
    const b = trainTestSplit(rows, Array.from(y), { testSize: 0.25, seed: 5, stratify: true });
    expect(a.yTrain).toBeInstanceOf(Uint8Array);
    expect(Array.from(a.yTrain)).toEqual(b.yTrain);
    expect(Array.from(a.yTest)).toEqual(b.yTest);
    expect(new Set(a.yTest).size).toBe(4); // stratified: every class in the 5 test rows
    expect(Array.from(a.xTest.data)).toEqual(Array.from(b.xTest.data));
  });

  it('permutationImportance names a BigInt64Array (it gave V8\'s "Cannot convert a BigInt value to a number")', () => {
    expect(() => permutationImportance(model, x, new BigInt64Array(4) as never)).toThrow(
      'permutationImportance: y must be a Matrix, number[][], number[] or a typed array, got a BigInt64Array',
    );
  });
});
