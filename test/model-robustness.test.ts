// Inputs the eighth session's audit found mishandled: each gets the result Keras gives or an error naming
// the argument and the value, never an engine message or a TypeError from inside the library.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  confusionMatrix,
  datasets,
  DeepExplainer,
  Dense,
  KernelExplainer,
  loadModel,
  Matrix,
  ModelCheckpoint,
  permutationImportance,
  plotHistory,
  Sequential,
  StandardScaler,
  setNumThreads,
  setSeed,
  svgToPng,
  toCategorical,
} from '../lib/index.js';

const X = [
  [0, 1, 2],
  [1, 0, 1],
  [1, 1, 0],
  [0, 0, 3],
  [2, 1, 1],
];
const Y = [1, 0, 1, 0, 1];
function model(): Sequential {
  setSeed(4);
  const m = new Sequential([
    new Dense(4, { inputDim: 3, activation: 'tanh' }),
    new Dense(2, { activation: 'softmax' }),
  ]);
  m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return m;
}
const weights = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(w instanceof Matrix ? w.data : w));

describe('batch sizes beyond the data', () => {
  it('fit: a batchSize of 2^31 or 1e12 is one batch of all rows, as batchSize = rows is', async () => {
    const whole = model();
    await whole.fit(X, Y, { epochs: 3, batchSize: 5, verbose: 0 });
    for (const batchSize of [2 ** 31, 1e12]) {
      const m = model();
      const h = await m.fit(X, Y, { epochs: 3, batchSize, verbose: 0 });
      expect(h.history.loss).toHaveLength(3);
      expect(weights(m)).toEqual(weights(whole));
    }
  });

  it('evaluate: a batchSize of 1e12 gives the values of batchSize 5', async () => {
    const m = model();
    expect(await m.evaluate(X, Y, { batchSize: 1e12 })).toEqual(await m.evaluate(X, Y, { batchSize: 5 }));
  });
});

describe('options of the wrong type name the value', () => {
  it('fit: a string where a number or boolean belongs', async () => {
    const m = model();
    await expect(m.fit(X, Y, { epochs: '3' as never })).rejects.toThrow(
      'fit: epochs must be an integer >= 0, got the string "3"',
    );
    await expect(m.fit(X, Y, { batchSize: '8' as never })).rejects.toThrow(
      'fit: batchSize must be an integer >= 1, got the string "8"',
    );
    await expect(m.fit(X, Y, { validationSplit: '0.2' as never })).rejects.toThrow(
      'fit: validationSplit must be in [0, 1), got the string "0.2"',
    );
    await expect(m.fit(X, Y, { shuffle: 'yes' as never })).rejects.toThrow(
      'fit: shuffle must be true or false, got the string "yes"',
    );
    expect(weights(m)).toEqual(weights(model())); // nothing trained
  });

  it("fit, evaluate: counts a double cannot count, or past the engine's 2^31 - 1 epochs, are refused", async () => {
    const m = model();
    const weights = () => m.getWeights().map((w) => Array.from(w instanceof Matrix ? w.data : w));
    const before = weights();
    await expect(m.fit(X, Y, { epochs: 1e20, verbose: 0 })).rejects.toThrow(
      'fit: epochs must be an integer from 0 to 2147483647, got 100000000000000000000',
    );
    await expect(m.fit(X, Y, { epochs: 2 ** 31, verbose: 0 })).rejects.toThrow(
      'fit: epochs must be an integer from 0 to 2147483647, got 2147483648',
    );
    await expect(m.fit(X, Y, { epochs: 1e20 + 1, initialEpoch: 1e20, verbose: 0 })).rejects.toThrow(
      'fit: epochs must be an integer from 0 to 2147483647',
    );
    await expect(m.fit(X, Y, { epochs: 1, initialEpoch: 2 ** 31, verbose: 0 })).rejects.toThrow(
      'fit: initialEpoch must be an integer from 0 to 2147483647, got 2147483648',
    );
    await expect(m.fit(X, Y, { batchSize: 1e20, verbose: 0 })).rejects.toThrow(
      'fit: batchSize must be an integer from 1 to 2^53 - 1, the largest integer counted exactly, got 100000000000000000000',
    );
    await expect(m.evaluate(X, Y, { batchSize: 2 ** 53 })).rejects.toThrow(
      'evaluate: batchSize must be an integer from 1 to 2^53 - 1',
    );
    expect(weights()).toEqual(before);
    // A safe batch above the rows is still one batch of all of them.
    const h = await m.fit(X, Y, { epochs: 1, batchSize: 2 ** 40, verbose: 0 });
    expect(h.epoch).toEqual([0]);
  });

  it('evaluate: options null or misspelled', async () => {
    const m = model();
    await expect(m.evaluate(X, Y, null as never)).rejects.toThrow('evaluate: options must be an object, got null');
    await expect(m.evaluate(X, Y, { batch_size: 2 } as never)).rejects.toThrow(
      "evaluate: unknown option 'batch_size'; valid options are batchSize, sampleWeight, verbose",
    );
  });
});

describe('empty input and changes during fit', () => {
  it('predict([]) says x is empty, not that it has 0 columns; predict() says x is undefined', async () => {
    const m = model();
    expect(() => m.predict(undefined as never)).toThrow(
      /^predict: x must be a Matrix or number\[\]\[\], got undefined$/,
    );
    expect(() => m.predict([])).toThrow('predict: x is empty (0 rows); it needs at least one row');
    await expect(m.predictAsync([])).rejects.toThrow('predictAsync: x is empty (0 rows); it needs at least one row');
  });

  it('setPreprocessing while fit runs is refused: the weights are trained on the preprocessing fit started with', async () => {
    const m = model();
    const before = new StandardScaler().fit(X);
    m.setPreprocessing(before);
    let refused = '';
    await m.fit(X, Y, {
      epochs: 2,
      verbose: 0,
      callbacks: [
        {
          onEpochEnd: () => {
            try {
              m.setPreprocessing(null);
            } catch (e) {
              refused = (e as Error).message;
            }
          },
        },
      ],
    });
    expect(refused).toBe('setPreprocessing: the model is training; attach preprocessing before or after fit');
    expect(m.preprocessing).toBe(before);
    m.setPreprocessing(null); // after fit, allowed
    expect(m.preprocessing).toBeNull();
  });
});

describe('files that cannot be written', () => {
  it('ModelCheckpoint under a file names the checkpoint and the path, not a bare EEXIST', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-robust-'));
    writeFileSync(join(dir, 'taken'), 'a file');
    const path = join(dir, 'taken', 'm.myelin');
    await expect(
      model().fit(X, Y, {
        epochs: 1,
        verbose: 0,
        callbacks: [new ModelCheckpoint({ filepath: path, monitor: 'loss' })],
      }),
    ).rejects.toThrow(`ModelCheckpoint: cannot create the folder of ${path}: EEXIST: file already exists, mkdir`);
  });

  it('save to a folder says it is a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-robust-'));
    await expect(model().save(dir)).rejects.toThrow(`save: cannot write ${dir}: it is a folder; give a file name`);
  });
});

describe('misspelled options of the explainers and generators are refused, not ignored', () => {
  it("SHAP's nsamples, scikit-learn's n_repeats and scoring, a generator's n in an object", () => {
    const m = model();
    expect(() => new KernelExplainer(m, X).shapValues(X, { nsamples: 10 } as never)).toThrow(
      "KernelExplainer.shapValues: unknown option 'nsamples'; valid options are nSamples, seed, batchRows",
    );
    expect(() => permutationImportance(m, X, Y, { n_repeats: 2 } as never)).toThrow(
      "permutationImportance: unknown option 'n_repeats'; valid options are metric, greaterIsBetter, repeats, seed",
    );
    expect(() => permutationImportance(m, X, Y, null as never)).toThrow(
      'permutationImportance: options must be an object, got null',
    );
    expect(() => new DeepExplainer(m, X, { rule: 'shapley' } as never)).toThrow(
      "DeepExplainer: unknown option 'rule'; valid options are softmaxRule",
    );
    expect(() => datasets.circle({ n: 10 } as never)).toThrow(
      'datasets.circle(n): n must be a positive integer, got an object (Object)',
    );
    expect(() => datasets.linear(10, { sed: 1 } as never)).toThrow(
      "datasets.linear: unknown option 'sed'; valid options are seed",
    );
  });
});

describe('layer names through ONNX', () => {
  it("myelin's own ONNX files keep any layer and model name (they were lost unless plain identifiers)", async () => {
    const m = new Sequential([new Dense(2, { inputDim: 3, name: 'température °C' }), new Dense(1, { name: 'a/b:0' })], {
      name: 'my model',
    });
    const back = await loadModel(m.toBuffer({ format: 'onnx' }));
    expect([back.name, ...back.layers.map((l) => l.name)]).toEqual(['my model', 'température °C', 'a/b:0']);
  });
});

describe('layer names a format cannot hold', () => {
  it("a '/' or '.' layer name is refused by the .h5 writer with the name, not HDF5's error stack", async () => {
    for (const name of ['a/b', '.']) {
      const m = new Sequential([new Dense(2, { inputDim: 3, name })]);
      await expect(m.toBuffer({ format: 'h5' })).rejects.toThrow(
        `toBuffer: the layer name ${JSON.stringify(name)} cannot name an HDF5 group, as Keras's .h5 layout needs; ` +
          'rename the layer, or save as .keras or .myelin',
      );
      const back = await loadModel(await m.toBuffer({ format: 'keras' }));
      expect(back.layers[0]!.name).toBe(name);
    }
  });
});

describe('sizes no array can hold', () => {
  it('a Dense layer too large to allocate names itself and its shapes', () => {
    expect(() => new Sequential([new Dense(1e9, { inputDim: 1000, name: 'huge' })])).toThrow(
      "Dense 'huge': cannot allocate its weights (1000 x 1000000000, 1000000000): Invalid typed array length",
    );
  });
});

describe('global settings', () => {
  it('setSeed and setNumThreads show a string as a string', () => {
    expect(() => setSeed('7' as never)).toThrow('setSeed: seed must be a non-negative integer, got the string "7"');
    expect(() => setNumThreads('2' as never)).toThrow('setNumThreads: n must be an integer >= 1, got the string "2"');
  });
});

describe('pictures', () => {
  it('svgToPng refuses a bitmap too large to allocate instead of running out of memory', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"></svg>';
    expect(() => svgToPng(svg)).toThrow(
      "svgToPng: a 200000 x 200000 PNG is more than 100 megapixels; lower scale or the SVG's size",
    );
    expect(() => svgToPng(svg, 0)).toThrow('svgToPng: scale must be a positive number, got 0');
    const small = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"></svg>');
    expect([small.readUInt32BE(16), small.readUInt32BE(20)]).toEqual([20, 10]); // PNG IHDR width, height
  });
});

describe('pictures written to files', () => {
  it('replace the previous file whole (a new file renamed over it), and a folder is named as such', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-robust-'));
    const file = join(dir, 'h.svg');
    writeFileSync(file, 'old picture');
    const before = statSync(file).ino;
    const svg = plotHistory({ loss: [1, 0.5] }, { toFile: file });
    expect(readFileSync(file, 'utf8')).toBe(svg);
    expect(statSync(file).ino).not.toBe(before); // written beside it, then renamed: never half-written
    expect(readdirSync(dir)).toEqual(['h.svg']);
    mkdirSync(join(dir, 'taken.svg'));
    expect(() => plotHistory({ loss: [1] }, { toFile: join(dir, 'taken.svg') })).toThrow(
      `cannot write ${join(dir, 'taken.svg')}: it is a folder; give a file name`,
    );
  });
});

describe('a Matrix whose ArrayBuffer was transferred afterwards', () => {
  const detached = (rows: number, cols: number) => {
    const m = new Matrix(
      rows,
      cols,
      Float32Array.from({ length: rows * cols }, (_, i) => i),
    );
    structuredClone(m.data.buffer, { transfer: [m.data.buffer] });
    return m;
  };
  const gone = (what: string, shape: string) =>
    `${what}: its Float32Array now holds 0 values, not the ${shape} it had (its ArrayBuffer was transferred to another thread, detached or shrunk)`;

  it('is refused by name wherever a Matrix goes in (it gave NaN statistics, zeros and wrong counts)', async () => {
    const m = model();
    expect(() => m.predict(detached(5, 3))).toThrow(gone('predict: x', '5x3 = 15'));
    await expect(m.fit(detached(5, 3), Y, { verbose: 0 })).rejects.toThrow(gone('fit: x', '5x3 = 15'));
    await expect(m.evaluate(X, detached(5, 2))).rejects.toThrow(gone('evaluate: y', '5x2 = 10'));
    expect(() => new StandardScaler().fit(detached(5, 3))).toThrow(gone('x', '5x3 = 15'));
    expect(() => confusionMatrix([0, 1], detached(2, 2))).toThrow(gone('yPred', '2x2 = 4'));
    expect(() => m.setWeights([detached(3, 4), new Float32Array(4), detached(4, 2), new Float32Array(2)])).toThrow(
      gone('setWeights: weights[0] (dense/kernel)', '3x4 = 12'),
    );
    expect(m.predict(X).rows).toBe(5);
  });
});

describe('targets in any typed array of numbers', () => {
  it('uint8 class labels (as MNIST ships them) train exactly as number[] labels; BigInt arrays are refused', async () => {
    const weights = (m: Sequential) => m.getWeights().map((w) => Array.from(w instanceof Matrix ? w.data : w));
    const a = model();
    await a.fit(X, Y, { epochs: 3, batchSize: 2, verbose: 0, shuffle: false });
    const b = model();
    await b.fit(X, Uint8Array.from(Y), {
      epochs: 3,
      batchSize: 2,
      verbose: 0,
      shuffle: false,
      sampleWeight: Uint8Array.of(1, 1, 1, 1, 1),
    });
    expect(weights(b)).toEqual(weights(a)); // 'fit: y must be a Matrix, number[][], number[] or Int32Array, got a Uint8Array'
    expect(await b.evaluate(X, Int8Array.from(Y))).toEqual(await b.evaluate(X, Y));
    await expect(b.fit(X, BigInt64Array.of(1n, 0n, 1n, 0n, 1n), { verbose: 0 })).rejects.toThrow(
      'fit: y must be a Matrix, number[][], number[] or a typed array, got a BigInt64Array',
    );
  });
});

describe('counts that would abort the process', () => {
  it('permutationImportance refuses more score drops than it can return (V8 aborted the process growing them)', () => {
    const m = model();
    expect(() => permutationImportance(m, X, Y, { repeats: 1e20 })).toThrow(
      'permutationImportance: repeats 100000000000000000000 for 3 features is 300000000000000000000 score drops to return; at most 16777216 (lower repeats)',
    );
    expect(permutationImportance(m, X, Y, { repeats: 3, seed: 1 }).importances.map((d) => d.length)).toEqual([3, 3, 3]);
  });
});

describe('sizes too large to allocate are named, not a bare "Invalid typed array length"', () => {
  it('toCategorical and the dataset generators', () => {
    expect(() => toCategorical([0, 1], 2 ** 40)).toThrow(
      'toCategorical: 2 labels x 1099511627776 classes is 2199023255552 values, too many to allocate (at most 2^31)',
    );
    expect(() => datasets.circle(2 ** 40)).toThrow('datasets.circle(n): n must be at most 67108864, got 1099511627776');
    expect(toCategorical([0, 2], 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });
});
