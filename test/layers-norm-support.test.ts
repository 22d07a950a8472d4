// The normalization layers and Activation beyond training: myelin's own file, ONNX (checked with
// onnxruntime), the Keras formats (read back by h5py: test/fixtures/inspect_keras.py), plotModel and
// DeepExplainer.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Activation,
  BatchNormalization,
  DeepExplainer,
  Dense,
  Dropout,
  LayerNormalization,
  Matrix,
  Normalization,
  Sequential,
  loadModel,
  plotModel,
  setSeed,
} from '../lib/index.js';
import { h5FromBytes, h5ToBytes, kerasFromBytes, kerasToBytes } from '../lib/io/keras/index.js';
import { decodeModelProto } from '../lib/io/onnx/schema.js';
import { maxRelDiff, ortPredict } from './helpers/onnx.js';

function rows(n: number, cols: number, seed: number): Matrix {
  const x = new Matrix(n, cols);
  let s = seed;
  for (let i = 0; i < x.data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x.data[i] = ((s / 2 ** 32) * 2 - 1) * (1 + (i % cols)) + (i % cols);
  }
  return x;
}

/** Every new layer, with weights moved away from their initial values (moving statistics included). */
async function trained(x: Matrix): Promise<Sequential> {
  setSeed(5);
  const norm = new Normalization({ inputDim: x.cols });
  norm.adapt(x);
  const m = new Sequential([
    norm,
    new Dense(8, { useBias: false }),
    new BatchNormalization({ momentum: 0.5 }),
    new Activation('relu'),
    new Dropout(0.2),
    new Dense(6),
    new LayerNormalization({ center: false }),
    new Activation('tanh'),
    new Dense(4),
    new BatchNormalization({ scale: false, epsilon: 0.01 }),
    new Dense(3, { activation: 'softmax' }),
  ]);
  m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam' });
  const y = Int32Array.from({ length: x.rows }, (_, i) => i % 3);
  await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
  return m;
}

describe('normalization layers in model files', () => {
  it('.myelin round trip: the same predictions, weights, config and non-trainable counts', async () => {
    const x = rows(40, 5, 3);
    const m = await trained(x);
    const l = await loadModel(m.toBuffer());
    expect(l.predict(x).data).toEqual(m.predict(x).data);
    expect(l.getConfig()).toEqual(m.getConfig());
    expect(l.weights.map((w) => w.name)).toEqual(m.weights.map((w) => w.name));
    expect(l.summary(null)).toBe(m.summary(null));
    expect(m.summary(null)).toContain('Non-trainable params: 34 (136.00 B)'); // Normalization 2 x 5, the two BatchNormalizations 2 x 8 and 2 x 4
  });

  it('ONNX export: onnxruntime gives what predict gives (moving statistics), with the ONNX operators', async () => {
    const x = rows(40, 5, 4);
    const m = await trained(x);
    const bytes = m.toBuffer({ format: 'onnx' });
    const got = await ortPredict(bytes, x);
    expect(maxRelDiff(got, m.predict(x).data)).toBeLessThan(1e-5);
    const ops = decodeModelProto(bytes).graph!.node!.map((n) => n.opType);
    expect(ops).toEqual([
      'Sub',
      'Div',
      'Gemm',
      'BatchNormalization',
      'Relu',
      'Gemm',
      'LayerNormalization',
      'Tanh',
      'Gemm',
      'BatchNormalization',
      'Gemm',
      'Softmax',
    ]);
  });
});

describe('normalization layers in plotModel', () => {
  it('boxes name each layer and its parameters; neurons draw unit-to-unit lines through them', () => {
    const m = new Sequential([
      new Dense(4, { inputDim: 3 }),
      new BatchNormalization(),
      new Activation('relu'),
      new LayerNormalization(),
      new Dense(2),
    ]);
    const boxes = plotModel(m);
    for (const s of ['batch_normalization (BatchNormalization)', '16 params', 'activation (Activation)'])
      expect(boxes).toContain(s);
    const neurons = plotModel(m, { style: 'neurons' });
    // input→dense 3x4, dense→BN, BN→activation, activation→LN 4 each, LN→dense_1 4x2.
    expect(neurons.match(/class="weight"/g)).toHaveLength(12 + 4 + 4 + 4 + 8);
    expect(neurons).toContain('normalizes each unit over the batch');
  });

  it('an inverted Normalization is drawn as undoing the standardization, not as one', () => {
    const stats = { mean: [1, 2], variance: [4, 9] };
    const plain = plotModel(new Sequential([new Normalization({ inputDim: 2, ...stats }), new Dense(1)]), {
      style: 'neurons',
    });
    const inverted = plotModel(
      new Sequential([new Normalization({ inputDim: 2, ...stats, invert: true }), new Dense(1)]),
      { style: 'neurons' },
    );
    expect(plain).toContain('standardizes each feature');
    expect(inverted).toContain('undoes the standardization');
    expect(inverted).not.toContain('standardizes each feature');
  });
});

describe('normalization layers in DeepExplainer', () => {
  it('BatchNormalization, Normalization (and inverted) and Activation: local accuracy against predict', async () => {
    setSeed(8);
    const x = rows(30, 5, 6);
    const m = new Sequential([
      new Normalization({ inputDim: 5, mean: [1, 2, 3, 4, 5], variance: [1, 2, 0.5, 4, 9] }),
      new Dense(6, { useBias: false }),
      new BatchNormalization({ momentum: 0.5 }),
      new Activation('tanh'),
      new Normalization({ mean: [1, -1, 0, 2, 0, 1], variance: [4, 1, 2, 0.25, 1, 9], invert: true }),
      new Dense(3),
      new Activation('softmax'),
    ]);
    m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam' });
    await m.fit(
      x,
      Int32Array.from({ length: 30 }, (_, i) => i % 3),
      { epochs: 2, batchSize: 8, verbose: 0 },
    );
    const e = new DeepExplainer(m, x.sliceRows(0, 10));
    const phi = e.shapValues(x.sliceRows(10, 20));
    const out = m.predict(x.sliceRows(10, 20));
    let worst = 0;
    let spread = 0;
    phi.forEach((p, k) => {
      for (let i = 0; i < p.rows; i++) {
        let s = e.expectedValue[k]!;
        for (let j = 0; j < p.cols; j++) s += p.get(i, j);
        worst = Math.max(worst, Math.abs(s - out.get(i, k)));
        spread = Math.max(spread, Math.abs(out.get(i, k) - e.expectedValue[k]!));
      }
    });
    expect(worst).toBeLessThan(1e-4);
    expect(spread).toBeGreaterThan(1e-2); // the attributions are not all zero
  });

  it('LayerNormalization is refused, naming the layer', () => {
    const m = new Sequential([new Dense(4, { inputDim: 3 }), new LayerNormalization(), new Dense(1)]);
    expect(() => new DeepExplainer(m, new Matrix(2, 3))).toThrow(/model.layers\[1\] is a LayerNormalization/);
  });
});

describe('normalization layers in the Keras formats', () => {
  async function kerasModel(x: Matrix): Promise<Sequential> {
    setSeed(9);
    const m = new Sequential([
      new Dense(8, { inputDim: x.cols, useBias: false }),
      new BatchNormalization({ momentum: 0.5 }),
      new Activation('relu'),
      new Dropout(0.2),
      new Dense(6),
      new LayerNormalization({ center: false, epsilon: 0.01 }),
      new Activation('gelu'),
      new Dense(4),
      new BatchNormalization({ scale: false }),
      new Dense(3, { activation: 'softmax' }),
    ]);
    m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam' });
    await m.fit(
      x,
      Int32Array.from({ length: x.rows }, (_, i) => i % 3),
      { epochs: 2, batchSize: 8, verbose: 0 },
    );
    return m;
  }

  it.each([
    ['.keras', kerasToBytes, kerasFromBytes],
    ['.h5', h5ToBytes, h5FromBytes],
  ] as const)(
    '%s round trip: predictions, weights, config and Adam state (slots for trainable arrays)',
    async (_e, enc, dec) => {
      const x = rows(24, 5, 2);
      const m = await kerasModel(x);
      const back = await dec(await enc(m), 'x');
      expect(back.predict(x).data).toEqual(m.predict(x).data);
      expect(back.getConfig()).toEqual(m.getConfig());
      expect(back.getWeights()).toEqual(m.getWeights());
      const [a, b] = [m.getOptimizerState(), back.getOptimizerState()];
      expect(b.iterations).toBe(a.iterations);
      // The moving statistics' slots are not in Keras files: they come back as zeros, as the engine keeps them.
      expect(b.slots).toEqual(a.slots);
    },
  );

  const python = '/usr/bin/python3';
  const inspect = (bytes: Uint8Array, ext: string, x: Matrix) => {
    const path = join(mkdtempSync(join(tmpdir(), 'myelin-norm-')), `m${ext}`);
    writeFileSync(path, bytes);
    const script = join(import.meta.dirname, 'fixtures', 'inspect_keras.py');
    const r = spawnSync(python, [script, path, JSON.stringify(x.toArray())], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout);
  };

  it('.keras read by h5py: vars per layer class, optimizer vars for trainable arrays, a numpy forward equals predict', async () => {
    const x = rows(12, 5, 3);
    const m = await kerasModel(x);
    const r = inspect(await kerasToBytes(m), '.keras', x);
    expect(maxRelDiff(r.y.flat(), m.predict(x).data)).toBeLessThan(1e-5);
    const h5 = r.h5;
    for (const k of [0, 1, 2, 3]) expect(h5[`layers/batch_normalization/vars/${k}`]).toMatchObject({ shape: [8] });
    expect(h5['layers/batch_normalization_1/vars/2']).toMatchObject({ shape: [4] });
    expect(h5['layers/batch_normalization_1/vars/3']).toBeUndefined(); // scale false: beta, moving mean, variance
    expect(h5['layers/layer_normalization/vars/0']).toMatchObject({ shape: [6] });
    expect(h5['layers/layer_normalization/vars/1']).toBeUndefined();
    // iteration, learning_rate, then m and v of the 11 trainable arrays (not the 4 moving statistics).
    const opt = Object.keys(h5).filter((k) => /^optimizer\/vars\/\d+$/.test(k));
    expect(opt).toHaveLength(2 + 2 * 11);
    const layers = r.config.config.layers.map((l: { class_name: string }) => l.class_name);
    expect(layers).toContain('BatchNormalization');
    const bn = r.config.config.layers.find((l: { class_name: string }) => l.class_name === 'BatchNormalization');
    expect(bn.config).toMatchObject({ axis: -1, momentum: 0.5, epsilon: 0.001, center: true, scale: true });
  });

  it('.h5 read by h5py: weight names gamma, beta, moving_mean, moving_variance; a numpy forward equals predict', async () => {
    const x = rows(12, 5, 4);
    const m = await kerasModel(x);
    const r = inspect(await h5ToBytes(m), '.h5', x);
    expect(maxRelDiff(r.y.flat(), m.predict(x).data)).toBeLessThan(1e-5);
    expect(r.h5['model_weights/batch_normalization'].attrs.weight_names).toEqual([
      'batch_normalization/gamma:0',
      'batch_normalization/beta:0',
      'batch_normalization/moving_mean:0',
      'batch_normalization/moving_variance:0',
    ]);
    const names = r.h5['optimizer_weights'].attrs.weight_names as string[];
    expect(names).toContain('m/batch_normalization/gamma:0');
    expect(names.some((n) => n.includes('moving'))).toBe(false);
  });

  it('Normalization is written to both Keras formats and read back (test/io-keras-norm.test.ts has the rest)', async () => {
    const m = new Sequential([new Normalization({ inputDim: 2, mean: [1, 2], variance: [4, 9] }), new Dense(1)]);
    const x = Matrix.from([[3, 5]]);
    for (const format of ['keras', 'h5'] as const) {
      const back = await loadModel(await m.toBuffer({ format }));
      expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
    }
  });
});

describe('normalization layers: options and inputs', () => {
  it('bad options are errors naming the option, the value and the allowed range', () => {
    expect(() => new BatchNormalization({ momentum: 1.5 })).toThrow(
      'BatchNormalization: momentum must be in [0, 1], got 1.5',
    );
    expect(() => new BatchNormalization({ epsilon: 0 })).toThrow(
      'BatchNormalization: epsilon must be a finite number > 0, got 0',
    );
    expect(() => new LayerNormalization({ epsilon: Number.NaN })).toThrow('LayerNormalization: epsilon must be');
    expect(() => new LayerNormalization({ center: 'yes' as never })).toThrow(
      'LayerNormalization: center must be a boolean, got',
    );
    expect(() => new BatchNormalization({ axis: 1 } as never)).toThrow(/BatchNormalization.*axis/);
    expect(() => new Activation('tanhh' as never)).toThrow(/Activation: activation.*tanhh/);
    expect(() => new Activation(undefined as never)).toThrow('Activation: activation must be an activation name');
    expect(() => new Normalization({ mean: [1, 2] })).toThrow('give both mean and variance');
    expect(() => new Normalization({ mean: [1, 2], variance: [1, -1] })).toThrow(
      'Normalization: variance[1] must be >= 0, got -1',
    );
    expect(() => new Normalization({ mean: [1, 2], variance: [1] })).toThrow('mean has 2 values but variance has 1');
  });

  it('Normalization.adapt: Keras formulas (mean, biased variance), checked inputs, weights of the model', () => {
    const n = new Normalization();
    n.adapt([
      [0, 7, 4],
      [2, 9, 6],
      [0, 7, 4],
      [2, 9, 6],
    ]);
    const m = new Sequential([n, new Dense(1)]);
    // Keras's docstring example: [0, 7, 4] normalizes to [-1, -1, -1].
    const [mean, variance] = n.getWeights() as Float32Array[];
    expect(Array.from(mean!)).toEqual([1, 8, 5]);
    expect(Array.from(variance!)).toEqual([1, 1, 1]);
    expect(m.summary(null)).toContain('Non-trainable params: 6');
    n.adapt([[1, 1, 1]]);
    expect(Array.from(n.getWeights()[1] as Float32Array)).toEqual([0, 0, 0]);
    expect(() => n.adapt([[1, 2]])).toThrow('Normalization.adapt: x has 2 columns but the layer is 3 wide');
    expect(() => n.adapt([])).toThrow(/empty|0 rows/);
    expect(() => n.adapt([[1, Number.NaN, 3]])).toThrow(/Normalization.adapt: x/);
  });
});
