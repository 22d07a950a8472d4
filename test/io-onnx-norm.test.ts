// ONNX import of the normalization layers and standalone activations: PyTorch's files (values from
// PyTorch, test/fixtures/make_onnx_norm_fixtures.py, and from onnxruntime), myelin's own round trip, and
// files with bad statistics or shapes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Activation,
  BatchNormalization,
  Dense,
  LayerNormalization,
  Matrix,
  Normalization,
  Sequential,
  StandardScaler,
  loadModel,
  setSeed,
} from '../lib/index.js';
import type { NodeProto } from '../lib/io/onnx/schema.js';
import { floats, graph, maxRelDiff, ortPredict } from './helpers/onnx.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));
const torch = JSON.parse(fixture('torch-norm.json').toString()) as {
  x: number[][];
  y: number[][];
  noaffine: { x: number[][]; y: number[][] };
};
const toMatrix = (rows: number[][]) => {
  const m = new Matrix(rows.length, rows[0]!.length);
  m.data.set(rows.flat());
  return m;
};

function random(rows: number, cols: number, seed: number, spread = 3): Matrix {
  const x = new Matrix(rows, cols);
  let s = seed;
  for (let i = 0; i < x.data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x.data[i] = ((s / 2 ** 32) * 2 - 1) * spread + 1;
  }
  return x;
}

const node = (opType: string, input: string[], output: string[], attribute: NodeProto['attribute'] = []) => ({
  opType,
  input,
  output,
  attribute,
  name: '',
});
const load = (bytes: Uint8Array) => loadModel(bytes);

describe('ONNX import of normalization layers: PyTorch', () => {
  for (const opset of [17, 13]) {
    const ln = opset === 17 ? 'its operator' : 'decomposed';
    it(`BatchNorm1d, LayerNorm (${ln}), ReLU, Tanh at opset ${opset}: PyTorch's and onnxruntime's values`, async () => {
      const bytes = fixture(`torch-norm-op${opset}.onnx`);
      const m = await loadModel(bytes);
      expect(m.layers.map((l) => l.className)).toEqual([
        'BatchNormalization',
        'Dense',
        'BatchNormalization',
        'Activation',
        'Dense',
        'LayerNormalization',
        'Activation',
        'Dense',
      ]);
      const [bn0, , bn1, relu, , ln, tanh] = m.layers as [BatchNormalization, Dense, BatchNormalization, Activation];
      expect([bn0.epsilon, bn0.momentum, bn1.epsilon]).toEqual([1e-5, 0.9, 1e-3]);
      expect([relu.activation, (tanh as unknown as Activation).activation]).toEqual(['relu', 'tanh']);
      expect((ln as unknown as LayerNormalization).epsilon).toBe(1e-5);
      const x = toMatrix(torch.x);
      expect(maxRelDiff(m.predict(x).data, torch.y.flat())).toBeLessThan(2e-5);
      const wide = random(40, 6, 3);
      expect(maxRelDiff(m.predict(wide).data, await ortPredict(bytes, wide))).toBeLessThan(2e-5);
    });
  }
});

describe('ONNX import of normalization layers: PyTorch without affine parameters', () => {
  it('BatchNorm1d(affine=False) (Constant scale and bias), LayerNorm(elementwise_affine=False) at opset 11', async () => {
    const bytes = fixture('torch-norm-noaffine-op11.onnx');
    const m = await loadModel(bytes);
    expect(m.layers.map((l) => l.className)).toEqual([
      'Dense',
      'BatchNormalization',
      'Activation',
      'Dense',
      'LayerNormalization',
      'Dense',
    ]);
    expect((m.layers[4] as LayerNormalization).center).toBe(false);
    expect(maxRelDiff(m.predict(toMatrix(torch.noaffine.x)).data, torch.noaffine.y.flat())).toBeLessThan(2e-5);
    const x = random(20, 4, 8);
    expect(maxRelDiff(m.predict(x).data, await ortPredict(bytes, x))).toBeLessThan(2e-5);
  });
});

describe('ONNX import of normalization layers: round trip of myelin export', () => {
  it('every normalization layer and Activation: same layers, same configs, same predictions', async () => {
    // Seeded: over 60 seeds the import's rounding reached 3.9e-7; an unseeded run once reached 1.55e-6.
    setSeed(7);
    const x = random(30, 4, 9, 5);
    const norm = new Normalization({ inputDim: 4, name: 'norm' });
    const m = new Sequential([
      norm,
      new Dense(6, { name: 'fc1' }),
      new BatchNormalization({ momentum: 0.8, epsilon: 0.01, name: 'bn' }),
      new Activation('gelu', { name: 'act' }),
      new Dense(5, { activation: 'relu', name: 'fc2' }),
      new LayerNormalization({ epsilon: 1e-4, center: false, name: 'ln' }),
      new Normalization({ mean: [1, 2, 3, 4, 5], variance: [1, 4, 0.25, 2, 9], name: 'norm2' }),
      new Normalization({ mean: 0.5, variance: 4, axis: null, invert: true, name: 'denorm' }),
      new Activation('softmax', { name: 'probs' }),
    ]);
    norm.adapt(x);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    await m.fit(x, random(30, 5, 2), { epochs: 2, batchSize: 8, verbose: 0 });
    const bytes = m.toBuffer({ format: 'onnx' });
    const back = await loadModel(bytes);
    expect(back.layers.map((l) => l.getConfig())).toEqual(
      m.layers.map((l) => {
        const c = l.getConfig();
        // an imported Normalization holds its statistics as weights, not options
        const { name, inputDim, invert } = c.config;
        if (c.className === 'Normalization') return { ...c, config: { name, inputDim, ...(invert ? { invert } : {}) } };
        return c;
      }),
    );
    expect(maxRelDiff(back.predict(x).data, m.predict(x).data)).toBeLessThan(1e-6);
    expect(maxRelDiff(back.predict(x).data, await ortPredict(bytes, x))).toBeLessThan(2e-6);
  });

  it('a Normalization first with a scaler before it: the scaler and the layer both come back', async () => {
    const x = random(20, 3, 4, 8);
    const m = new Sequential([new Normalization({ inputDim: 3, mean: 2, variance: 3 }), new Dense(2)]);
    m.setPreprocessing(new StandardScaler().fit(x));
    const back = await loadModel(m.toBuffer({ format: 'onnx' }));
    expect(back.preprocessing).toBeInstanceOf(StandardScaler);
    expect(back.layers.map((l) => l.className)).toEqual(['Normalization', 'Dense']);
    expect(maxRelDiff(back.predict(x).data, m.predict(x).data)).toBeLessThan(1e-6);
  });
});

describe('ONNX import of normalization layers: hand-built and hostile graphs', () => {
  const w = floats('w', [3, 2], [0.5, -1, 0.25, 2, -0.75, 1.5]);
  const bn = (v: number[], extra: NodeProto['attribute'] = []) =>
    graph(
      3,
      2,
      [node('Gemm', ['x', 'w'], ['z']), node('BatchNormalization', ['z', 's', 'b', 'm', 'v'], ['y'], extra)],
      [w, floats('s', [2], [1, 2]), floats('b', [2], [0, 1]), floats('m', [2], [0.5, -0.5]), floats('v', [2], v)],
    );

  it('BatchNormalization with its defaults agrees with onnxruntime', async () => {
    const bytes = bn([2, 0.5]);
    const m = await load(bytes);
    expect((m.layers[1] as BatchNormalization).epsilon).toBe(1e-5);
    const x = random(10, 3, 1);
    expect(maxRelDiff(m.predict(x).data, await ortPredict(bytes, x))).toBeLessThan(1e-5);
  });

  it('negative variance, NaN statistics, wrong shapes, missing initializers, training mode: refused', async () => {
    await expect(load(bn([2, -1]))).rejects.toThrow(/input_var holds -1 at index 1; a variance is >= 0/);
    await expect(load(bn([2, Number.NaN]))).rejects.toThrow(/initializer 'v' holds NaN at index 1/);
    await expect(load(bn([2, 0.5], [{ name: 'training_mode', type: 2, i: 1 }]))).rejects.toThrow(/training_mode=1/);
    await expect(load(bn([2, 0.5], [{ name: 'epsilon', type: 1, f: 0 }]))).rejects.toThrow(/epsilon 0; myelin's/);
    await expect(
      load(
        graph(
          3,
          2,
          [node('Gemm', ['x', 'w'], ['z']), node('BatchNormalization', ['z', 's', 'b', 'm', 'v'], ['y'])],
          [
            w,
            floats('s', [3], [1, 2, 3]),
            floats('b', [2], [0, 1]),
            floats('m', [2], [0, 0]),
            floats('v', [2], [1, 1]),
          ],
        ),
      ),
    ).rejects.toThrow(/its scale 's' has shape \[3\]; it must be \[2\]/);
    await expect(
      load(graph(3, 2, [node('Gemm', ['x', 'w'], ['z']), node('LayerNormalization', ['z', 'gamma'], ['y'])], [w])),
    ).rejects.toThrow(/reads 'gamma', which no node, graph input or initializer provides/);
    await expect(
      load(
        graph(
          3,
          2,
          [
            node('Gemm', ['x', 'w'], ['z']),
            node('LayerNormalization', ['z', 'gamma'], ['y'], [{ name: 'axis', type: 2, i: 0 }]),
          ],
          [w, floats('gamma', [2], [1, 1])],
        ),
      ),
    ).rejects.toThrow(/normalizes from axis 0; myelin's LayerNormalization is over the features/);
    await expect(
      load(
        graph(
          3,
          2,
          [node('Gemm', ['x', 'w'], ['z']), node('Div', ['z', 'sd'], ['y'])],
          [w, floats('sd', [2], [1, -2])],
        ),
      ),
    ).rejects.toThrow(/divides feature 1 by -2; a Normalization's standard deviation is >= 1e-7/);
  });

  it("a decomposed LayerNormalization that is not PyTorch's (Pow 3) is refused, naming where it starts", async () => {
    const nodes = [
      node('Gemm', ['x', 'w'], ['z']),
      node('ReduceMean', ['z'], ['m'], [{ name: 'axes', type: 7, ints: [-1] }]),
      node('Sub', ['z', 'm'], ['d']),
      node('Pow', ['d', 'three'], ['p']),
      node('ReduceMean', ['p'], ['v'], [{ name: 'axes', type: 7, ints: [-1] }]),
      node('Add', ['v', 'eps'], ['a']),
      node('Sqrt', ['a'], ['s']),
      node('Div', ['d', 's'], ['y']),
    ];
    const scalars = [floats('three', [], [3]), floats('eps', [], [1e-5])];
    await expect(load(graph(3, 2, nodes, [w, ...scalars]))).rejects.toThrow(
      /start a decomposed LayerNormalization at \(ReduceMean\) writing 'm' but \(Pow\) writing 'p' has no constant 2/,
    );
    scalars[0] = floats('three', [], [2]);
    const bytes = graph(3, 2, nodes, [w, ...scalars]);
    const m = await load(bytes);
    expect(m.layers.map((l) => l.className)).toEqual(['Dense', 'LayerNormalization']);
    const x = random(10, 3, 6);
    expect(maxRelDiff(m.predict(x).data, await ortPredict(bytes, x))).toBeLessThan(1e-5);
  });

  it('Sub then Div after a layer is a Normalization, Mul then Add an inverted one: onnxruntime agrees', async () => {
    const bytes = graph(
      3,
      2,
      [
        node('Gemm', ['x', 'w'], ['z']),
        node('Sub', ['z', 'mean'], ['a']),
        node('Div', ['a', 'sd'], ['b']),
        node('Mul', ['b', 'sd2'], ['c']),
        node('Add', ['c', 'mean2'], ['y']),
      ],
      [
        w,
        floats('mean', [2], [1, -1]),
        floats('sd', [2], [2, 0.5]),
        floats('sd2', [2], [3, 4]),
        floats('mean2', [2], [5, 6]),
      ],
    );
    const m = await load(bytes);
    expect(m.layers.map((l) => [l.className, (l as Normalization).invert ?? null])).toEqual([
      ['Dense', null],
      ['Normalization', false],
      ['Normalization', true],
    ]);
    const x = random(10, 3, 2);
    expect(maxRelDiff(m.predict(x).data, await ortPredict(bytes, x))).toBeLessThan(1e-5);
  });
});
