// BatchNormalization, LayerNormalization, Activation and Normalization against PyTorch autograd in
// float64 with Keras 3's semantics (test/fixtures/make_norm_fixtures.py writes norm.json): inference
// outputs (moving statistics), loss and gradients in inference and training mode (batch statistics),
// and a few epochs of SGD/Adam training, moving statistics included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, LOSSES } from '../lib/engine/ids.js';
import { Matrix, Optimizer, Sequential, type LayerConfig } from '../lib/index.js';
import { native } from '../lib/native.js';
import { compileSpec, data, dense, randomMatrix, randomWeights, sameBits, sgd, fitArgs } from './helpers/engine.js';

interface Case {
  name: string;
  layers: LayerConfig[];
  loss: 'mean_squared_error' | 'categorical_crossentropy';
  optimizer: { className: string; config: Record<string, unknown> };
  x: number[][];
  y: number[][];
  epochs: number;
  batchSize: number;
  weights: number[][];
  expected: {
    predict: number[];
    inference: { loss: number; grads: number[][] };
    training: { loss: number; grads: number[][] };
    losses: number[];
    weights: number[][];
  };
}

const { cases } = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'norm.json'), 'utf8')) as {
  cases: Case[];
};

function buildModel(c: Case): Sequential {
  const [first, ...rest] = c.layers;
  const layers = [{ ...first!, config: { ...first!.config, inputDim: c.x[0]!.length } }, ...rest];
  const model = Sequential.fromConfig({ name: c.name, layers });
  const shapes = model.layers.flatMap((l) => l.weightShapes());
  model.setWeights(
    c.weights.map((w, i) => {
      const s = shapes[i]!;
      return s.length === 2 ? new Matrix(s[0]!, s[1]!, Float32Array.from(w)) : Float32Array.from(w);
    }),
  );
  return model;
}

function expectClose(actual: ArrayLike<number>, expected: number[], what: string, tol = 1e-5) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    expect(Math.abs(actual[i]! - expected[i]!) / scale, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThan(
      tol,
    );
  }
}

const flat = (v: Matrix | Float32Array) => (v instanceof Matrix ? v.data : v);

describe('normalization layers match PyTorch float64 with Keras semantics', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: inference outputs', (_n, c) => {
    expectClose(buildModel(c).predict(c.x).data, c.expected.predict, 'predict');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: loss and gradients, inference and training', (_n, c) => {
    const model = buildModel(c);
    const net = new native.Network(model.layers.map((l) => l.toSpec()));
    net.compile(compileSpec(LOSSES.indexOf(c.loss), sgd(0.1)));
    net.setWeights(model.getWeights().map(flat));
    const x = Float32Array.from(c.x.flat());
    const d = data(x, c.x.length, Float32Array.from(c.y.flat()));
    for (const mode of ['inference', 'training'] as const) {
      const got = net.gradients(d, mode === 'training');
      expect(got.loss).toBeCloseTo(c.expected[mode].loss, 5);
      got.grads.forEach((g, a) => expectClose(g, c.expected[mode].grads[a]!, `${mode} grads[${a}]`));
    }
    // With batch normalization, training mode differs (the fixtures' moving statistics are not the batch's).
    if (c.layers.some((l) => l.className === 'BatchNormalization'))
      expect(Math.abs(c.expected.training.loss - c.expected.inference.loss)).toBeGreaterThan(1e-3);
    // gradients() does not move the moving statistics.
    net.getWeights().forEach((w, a) => expectClose(w, c.weights[a]!, `weights[${a}] after gradients()`, 1e-7));
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: training epochs and final weights', async (_n, c) => {
    const model = buildModel(c);
    model.compile({ loss: c.loss, optimizer: Optimizer.fromConfig(c.optimizer as never) });
    const h = await model.fit(c.x, c.y, { epochs: c.epochs, batchSize: c.batchSize, shuffle: false, verbose: 0 });
    expectClose(h.history['loss']!, c.expected.losses, 'epoch losses');
    const got = model.getWeights().map(flat);
    got.forEach((w, i) => expectClose(w, c.expected.weights[i]!, `${model.weights[i]!.name}`));
    // Every array that trains or moves did move.
    got.forEach((w, i) => {
      const moved = c.weights[i]!.some((v, j) => Math.abs(v - w[j]!) > 1e-4);
      const fixed = model.weights[i]!.name.endsWith('/mean') || model.weights[i]!.name.endsWith('/variance');
      expect(moved, `${model.weights[i]!.name} moved`).toBe(!fixed);
    });
  });
});

describe('normalization layers in the engine', () => {
  const threads0 = native.backendInfo().threads;
  afterAll(() => native.setNumThreads(threads0));

  const bn = { momentum: 0.9, epsilon: 1e-3, center: true, scale: true };
  const widths16 = [
    dense(96, 160, 0, { useBias: false }),
    { kind: 'batch_normalization', units: 160, ...bn },
    { kind: 'activation', units: 160, activation: 1 },
    dense(160, 64, 3),
    { kind: 'layer_normalization', units: 64, epsilon: 1e-3, center: true, scale: true },
    dense(64, 5, 4),
  ] as const;
  // Widths that are not multiples of 16, a Dense activation with a bias right before each batch normalization
  // (its derivative and bias gradient are taken in the normalization's backward pass), gelu's kept z.
  const oddWidths = [
    dense(96, 150, 1),
    { kind: 'batch_normalization', units: 150, ...bn },
    dense(150, 45, 7),
    { kind: 'batch_normalization', units: 45, ...bn, center: false },
    dense(45, 5, 4),
  ] as const;

  async function train(threads: number, layers: readonly object[] = widths16) {
    native.setNumThreads(threads);
    const net = new native.Network(layers as never);
    net.compile(compileSpec(3, { ...sgd(0.01), kind: 1 }));
    // gamma and the moving variance near 1.
    const near1 = layers === widths16 ? [1, 4] : [2, 5, 8, 10];
    net.setWeights(randomWeights(net, 11, 0.15).map((w, i) => (near1.includes(i) ? w.map((v) => 1 + v) : w)));
    const x = randomMatrix(500, 96, 12);
    const y = new Float32Array(500 * 5);
    for (let i = 0; i < 500; i++) y[i * 5 + (i % 5)] = 1;
    const d = data(x, 500, y);
    const r = await net.fit(
      fitArgs(net, { train: d, val: d, epochs: 2, initialEpoch: 0, batchSize: 128, shuffle: true, seed: 5 }),
    );
    return { w: net.getWeights(), logs: r.logs, p: net.predict(x, 500) };
  }

  it('trains bit-identically with 1 and 2 threads (batch and layer normalization, shuffled)', async () => {
    const one = await train(1);
    const two = await train(2);
    expect(sameBits(one.w, two.w)).toBe(true);
    expect(Array.from(two.logs)).toEqual(Array.from(one.logs));
    expect(sameBits([one.p], [two.p])).toBe(true);
    // Validation ran in inference mode: its loss is not the training loss.
    expect(one.logs[1]).not.toBe(one.logs[0]);
  });

  it('trains bit-identically with 1 and 2 threads: odd widths, Dense activations before batch normalization', async () => {
    const one = await train(1, oddWidths);
    const two = await train(2, oddWidths);
    expect(sameBits(one.w, two.w)).toBe(true);
    expect(Array.from(two.logs)).toEqual(Array.from(one.logs));
    expect(sameBits([one.p], [two.p])).toBe(true);
  });

  // Dense(act) -> BatchNormalization takes the activation's backward into the normalization's pass;
  // Dense(linear) -> Activation(act) -> BatchNormalization computes the same function the plain way.
  it.each(ACTIVATIONS.filter((a) => a !== 'softmax'))(
    'Dense(%s) before BatchNormalization: the gradients of Dense + Activation layers',
    (name) => {
      const act = ACTIVATIONS.indexOf(name);
      const [rows, u] = [300, 70]; // 21000 values: the passes split their columns between threads
      const tail = [{ kind: 'batch_normalization', units: u, ...bn }, dense(u, 3, 0)];
      const fused = new native.Network([dense(20, u, act), ...tail] as never);
      const plain = new native.Network([
        dense(20, u, 0),
        { kind: 'activation', units: u, activation: act },
        ...tail,
      ] as never);
      const w = randomWeights(fused, 21, 0.4);
      const x = randomMatrix(rows, 20, 22, 2);
      const y = randomMatrix(rows, 3, 23);
      const grads = [fused, plain].map((net) => {
        net.compile(compileSpec(LOSSES.indexOf('mean_squared_error'), sgd(0.1)));
        net.setWeights(w);
        return net.gradients(data(x, rows, y), true);
      });
      expect(grads[0]!.loss).toBeCloseTo(grads[1]!.loss, 6);
      grads[1]!.grads.forEach((g, a) => expectClose(grads[0]!.grads[a]!, Array.from(g), `grads[${a}]`, 1e-4));
      // The bias gradient is not zero (the activation sits between it and the normalization).
      if (name !== 'linear') expect(grads[0]!.grads[1]!.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    },
  );

  // BatchNormalization -> Activation(act) -> Dense: the normalization writes the activation's output and takes
  // its backward; with an Activation(linear) in between (taken instead), the second one runs on its own.
  it.each(ACTIVATIONS.filter((a) => a !== 'softmax'))(
    'BatchNormalization then Activation(%s): the gradients of the layers run one by one',
    (name) => {
      const act = ACTIVATIONS.indexOf(name);
      const [rows, u] = [300, 70];
      const head = [dense(20, u, 0, { useBias: false }), { kind: 'batch_normalization', units: u, ...bn }];
      const tail = [{ kind: 'activation', units: u, activation: act }, dense(u, 3, 0)];
      const fused = new native.Network([...head, ...tail] as never);
      const plain = new native.Network([...head, { kind: 'activation', units: u, activation: 0 }, ...tail] as never);
      const w = randomWeights(fused, 31, 0.4).map((v, i) => (i === 1 || i === 4 ? v.map((e) => 1 + e) : v));
      const x = randomMatrix(rows, 20, 32, 2);
      const y = randomMatrix(rows, 3, 33);
      const [a, b] = [fused, plain].map((net) => {
        net.compile(compileSpec(LOSSES.indexOf('mean_squared_error'), sgd(0.1)));
        net.setWeights(w);
        return { g: net.gradients(data(x, rows, y), true), p: net.predict(x, rows) };
      });
      expect(a!.g.loss).toBeCloseTo(b!.g.loss, 6);
      b!.g.grads.forEach((g, i) => expectClose(a!.g.grads[i]!, Array.from(g), `grads[${i}]`, 1e-4));
      expectClose(a!.p, Array.from(b!.p), 'predict', 1e-5);
    },
  );
});
