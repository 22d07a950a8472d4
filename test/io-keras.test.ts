// Keras files: fixtures written by test/fixtures/make_keras_fixtures.py (h5py + zipfile in Keras's own
// layouts, with numpy forward passes as expected values), round trips, refusals and damaged files.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  Adamax,
  AdamW,
  CategoricalCrossentropy,
  ExponentialDecay,
  Dense,
  Dropout,
  Matrix,
  ModelFileError,
  RMSprop,
  SGD,
  Sequential,
  StandardScaler,
  loadModel,
  setSeed,
} from '../lib/index.js';
import { h5FromBytes, h5ToBytes, kerasFromBytes, kerasToBytes } from '../lib/io/keras/index.js';
import { KERAS_FIXTURES, expectClose, fixture } from './helpers/keras-fixtures.js';

const FIX = KERAS_FIXTURES;
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8'));
const X = Matrix.from(expected.x as number[][]);

describe('reading Keras files written as Keras writes them', () => {
  it('a Keras 3 .keras classifier: predictions, layers, compile configuration and Adam state', async () => {
    const m = await kerasFromBytes(fixture('keras3-classifier.keras'), 'c.keras');
    const want = expected['keras3-classifier.keras'];
    expectClose(m.predict(X), want.y);
    expect(m.name).toBe('iris_like');
    expect(m.layers.map((l) => l.name)).toEqual(['dense', 'dropout', 'hidden', 'dense_2']);
    const [d0, drop, hidden] = m.layers as [Dense, Dropout, Dense];
    expect(d0.kernelRegularizer).toEqual({ l1: 0, l2: 0.001 });
    expect([drop.rate, drop.seed, hidden.useBias, hidden.activation]).toEqual([0.3, 42, false, 'tanh']);
    const c = m.getCompileConfig()!;
    expect([c.loss, c.metrics, c.optimizer.className]).toEqual(['categorical_crossentropy', ['accuracy'], 'Adam']);
    expect(c.optimizer.config).toMatchObject({
      learningRate: 0.004999999888241291,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    const state = m.getOptimizerState();
    expect(state.iterations).toBe(want.iterations);
    expect(state.slots.map((s) => Array.from(s))).toEqual(
      want.slots.map((s: number[]) => Array.from(Float32Array.from(s))),
    );
  });

  it('every activation myelin has, as Keras 3 names them (silu, gelu exact, leaky_relu 0.2)', async () => {
    const m = await kerasFromBytes(fixture('keras3-activations.keras'), 'a.keras');
    expect(m.layers.map((l) => (l as Dense).activation)).toEqual([
      'linear',
      'relu',
      'sigmoid',
      'tanh',
      'leaky_relu',
      'elu',
      'gelu',
      'swish',
      'softmax',
    ]);
    expectClose(m.predict(X), expected['keras3-activations.keras'].y);
    expect(m.getCompileConfig()).toBeNull();
  });

  it('a Keras 2 legacy .h5: predictions, training_config (MeanMetricWrapper) and optimizer_weights', async () => {
    const m = await h5FromBytes(fixture('keras2-binary.h5'), 'b.h5');
    const want = expected['keras2-binary.h5'];
    expectClose(m.predict(X), want.y);
    const c = m.getCompileConfig()!;
    expect([c.loss, c.metrics, c.optimizer.className]).toEqual(['binary_crossentropy', ['accuracy'], 'Adam']);
    const state = m.getOptimizerState();
    expect(state.iterations).toBe(12);
    expect(state.slots.map((s) => Array.from(s))).toEqual(
      want.slots.map((s: number[]) => Array.from(Float32Array.from(s))),
    );
  });

  it('a dataset of the wrong shape is one clear error', async () => {
    await expect(kerasFromBytes(fixture('keras3-bad-shape.keras'), 'bad.keras')).rejects.toThrow(
      /bad\.keras: model\.weights\.h5: layers\/dense\/vars\/0 \(layer 'dense' kernel\) has shape \[3,4\] but the model needs \[4,3\]/,
    );
  });
});

function trained(optimizer = new Adam({ learningRate: 0.01 })) {
  setSeed(7);
  const m = new Sequential([
    new Dense(6, { inputDim: 4, activation: 'gelu', kernelRegularizer: { l1: 0.001, l2: 0.002 } }),
    new Dropout(0.25),
    new Dense(5, { activation: 'leaky_relu', useBias: false }),
    new Dense(3, { activation: 'softmax', name: 'out' }),
  ]);
  m.compile({ loss: 'sparse_categorical_crossentropy', optimizer, metrics: ['accuracy'] });
  const y = Int32Array.from({ length: X.rows }, (_, i) => i % 3);
  return { m, y };
}

describe('round trips', () => {
  for (const [format, encode, decode] of [
    ['.keras', kerasToBytes, kerasFromBytes],
    ['.h5', h5ToBytes, h5FromBytes],
  ] as const)
    for (const optimizer of [
      new Adam({ learningRate: 0.01 }),
      new SGD(0.05, 0.9, { nesterov: true }),
      new RMSprop(0.01),
      new Adamax(0.02),
    ])
      it(`myelin → ${format} → myelin (${optimizer.className}): identical predictions, compile, state, resumed fit`, async () => {
        const { m, y } = trained(optimizer);
        const scaler = new StandardScaler().fit(X);
        m.setPreprocessing(scaler);
        m.metadata = { classes: ['setosa', 'versicolor', 'virginica'], version: 3, nested: { ok: true } };
        await m.fit(X, y, { epochs: 3, batchSize: 2, verbose: 0 });
        const back = await decode(await encode(m), `m${format}`);
        expect(Array.from(back.predict(X).data)).toEqual(Array.from(m.predict(X).data));
        expect(back.getConfig()).toEqual(m.getConfig());
        expect(back.getCompileConfig()).toEqual(m.getCompileConfig());
        expect(back.getOptimizerState()).toEqual(m.getOptimizerState());
        expect([back.epochsTrained, back.trainingSeed]).toEqual([m.epochsTrained, m.trainingSeed]);
        expect(back.metadata).toEqual(m.metadata);
        expect(back.preprocessing?.toJSON()).toEqual(scaler.toJSON());
        await m.fit(X, y, { epochs: 4, initialEpoch: 3, batchSize: 2, verbose: 0 });
        await back.fit(X, y, { epochs: 4, initialEpoch: 3, batchSize: 2, verbose: 0 });
        expect(back.getWeights().map((w) => Array.from(w instanceof Matrix ? w.data : w))).toEqual(
          m.getWeights().map((w) => Array.from(w instanceof Matrix ? w.data : w)),
        );
      });

  it('through the public API: save by extension, toBuffer({ format }), loadModel by content', async () => {
    const { m, y } = trained();
    await m.fit(X, y, { epochs: 1, verbose: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'myelin-keras-'));
    for (const ext of ['.keras', '.h5']) {
      await m.save(join(dir, `m${ext}`));
      const back = await loadModel(join(dir, `m${ext}`));
      expect(Array.from(back.predict(X).data)).toEqual(Array.from(m.predict(X).data));
    }
    const bytes = await m.toBuffer({ format: 'h5' });
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x89, 0x48, 0x44, 0x46]);
    expect((await loadModel(bytes)).getCompileConfig()).toEqual(m.getCompileConfig());
    expect(Array.from((await m.toBuffer({ format: 'keras' })).subarray(0, 4))).toEqual([0x50, 0x4b, 3, 4]);
  });

  it('a learning-rate schedule, weight decay and a loss object round-trip (Keras names: initial_learning_rate...)', async () => {
    setSeed(5);
    const schedule = new ExponentialDecay({ initialLearningRate: 0.02, decaySteps: 3, decayRate: 0.9 });
    const m = new Sequential([new Dense(3, { inputDim: 4, activation: 'softmax' })]);
    m.compile({
      loss: new CategoricalCrossentropy({ labelSmoothing: 0.1 }),
      optimizer: new AdamW({ learningRate: schedule, weightDecay: 0.01 }),
    });
    const y = Matrix.from(Array.from({ length: X.rows }, (_, i) => [0, 1, 2].map((c) => Number(c === i % 3))));
    await m.fit(X, y, { epochs: 2, batchSize: 2, verbose: 0 });
    for (const [enc, dec] of [
      [kerasToBytes, kerasFromBytes],
      [h5ToBytes, h5FromBytes],
    ] as const) {
      const back = await dec(await enc(m), 'x');
      expect(back.getCompileConfig()).toEqual(m.getCompileConfig());
      expect(back.getOptimizerState()).toEqual(m.getOptimizerState());
    }
    const cfg = JSON.parse(strFromU8(unzipSync(await kerasToBytes(m))['config.json']!)).compile_config;
    expect(cfg.optimizer.config.learning_rate).toMatchObject({
      class_name: 'ExponentialDecay',
      config: { initial_learning_rate: 0.02, decay_steps: 3 },
    });
    expect(cfg.loss).toMatchObject({
      class_name: 'CategoricalCrossentropy',
      config: { label_smoothing: 0.1, from_logits: false },
    });
  });

  it('an uncompiled model round-trips without a compile configuration', async () => {
    setSeed(3);
    const m = new Sequential([new Dense(2, { inputDim: 3, activation: 'elu' })]);
    for (const [enc, dec] of [
      [kerasToBytes, kerasFromBytes],
      [h5ToBytes, h5FromBytes],
    ] as const) {
      const back = await dec(await enc(m), 'x');
      expect(back.getCompileConfig()).toBeNull();
      expect(Array.from(back.predict([[1, 2, 3]]).data)).toEqual(Array.from(m.predict([[1, 2, 3]]).data));
    }
  });
});

const python = '/usr/bin/python3';
const hasH5py = spawnSync(python, ['-c', 'import h5py, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasH5py) console.log(`io-keras: skipping the h5py checks: ${python} cannot import h5py and numpy`);

describe.skipIf(!hasH5py)('files myelin writes, read back by h5py in Keras layout', () => {
  const inspect = (bytes: Uint8Array, ext: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'myelin-keras-')), `m${ext}`);
    writeFileSync(path, bytes);
    const r = spawnSync(
      python,
      [join(import.meta.dirname, 'fixtures', 'inspect_keras.py'), path, JSON.stringify(expected.x)],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout);
  };

  it('.keras: stored zip entries, config.json, vars groups by class name, optimizer vars', async () => {
    const { m, y } = trained();
    await m.fit(X, y, { epochs: 1, verbose: 0 });
    const r = inspect(await kerasToBytes(m), '.keras');
    expect(r.entries).toEqual({ 'metadata.json': 0, 'config.json': 0, 'model.weights.h5': 0 });
    expect(r.config.class_name).toBe('Sequential');
    expect(r.config.compile_config.optimizer.class_name).toBe('Adam');
    expect(r.metadata.myelin.epochs_trained).toBe(1);
    const h5 = r.h5;
    expect(h5['layers/dense/vars'].attrs).toEqual({ name: 'dense' });
    expect(h5['layers/dense/vars/0']).toMatchObject({ shape: [4, 6], dtype: 'float32' });
    expect(h5['layers/dense_1/vars/0']).toMatchObject({ shape: [6, 5] });
    expect(h5['layers/dense_1/vars/1']).toBeUndefined();
    expect(h5['layers/dense_2/vars'].attrs).toEqual({ name: 'out' });
    expect(h5['layers/dropout/vars'].attrs).toEqual({ name: 'dropout' });
    expect(h5['optimizer/vars/0']).toMatchObject({ shape: [], dtype: 'int64' });
    expect(h5['optimizer/vars/1']).toMatchObject({ shape: [], dtype: 'float32' });
    expect(h5['optimizer/vars/2']).toMatchObject({ shape: [4, 6] });
    expect(h5['optimizer/vars/3']).toMatchObject({ shape: [4, 6] });
    expect(h5['optimizer/vars/11']).toMatchObject({ shape: [3] });
    expect(h5['optimizer/vars/12']).toBeUndefined();
    expectClose(m.predict(X), r.y);
  });

  it('.h5: root attributes, model_weights by layer name, weight_names, optimizer_weights', async () => {
    const { m, y } = trained();
    await m.fit(X, y, { epochs: 1, verbose: 0 });
    const r = inspect(await h5ToBytes(m), '.h5');
    expect(r.root_attrs).toMatchObject({ keras_version: '2.15.0', backend: 'tensorflow' });
    expect(r.root_attr_types).toMatchObject({
      keras_version: 'str',
      model_config: 'bytes_',
      training_config: 'bytes_',
    });
    expect(r.config.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual([
      'InputLayer',
      'Dense',
      'Dropout',
      'Dense',
      'Dense',
    ]);
    expect(r.training_config.optimizer_config.class_name).toBe('Adam');
    expect(r.h5['model_weights'].attrs.layer_names).toEqual(['dense', 'dropout', 'dense_1', 'out']);
    expect(r.h5['model_weights/out'].attrs.weight_names).toEqual(['out/kernel:0', 'out/bias:0']);
    expect(r.h5['model_weights/out/out/kernel:0']).toMatchObject({ shape: [5, 3], dtype: 'float32' });
    expect(r.h5['model_weights/dropout'].attrs.weight_names).toEqual([]);
    expect(r.h5['optimizer_weights'].attrs.weight_names.slice(0, 3)).toEqual([
      'iteration:0',
      'm/dense/kernel:0',
      'v/dense/kernel:0',
    ]);
    expect(r.h5['optimizer_weights/iteration:0']).toMatchObject({ shape: [], dtype: 'int64' });
    expectClose(m.predict(X), r.y);
  });
});

/** The classifier fixture with its config.json changed by `edit`. */
function editedConfig(edit: (config: any) => void): Uint8Array {
  const files = unzipSync(fixture('keras3-classifier.keras'));
  const config = JSON.parse(strFromU8(files['config.json']!));
  edit(config);
  files['config.json'] = strToU8(JSON.stringify(config));
  return zipSync(files, { level: 0 });
}

describe('what myelin lacks is refused, naming the layer and the setting', () => {
  const cases: [string, (c: any) => void, RegExp][] = [
    [
      'a Conv2D layer',
      (c) => (c.config.layers[1].class_name = 'Conv2D'),
      /layer 1 'dense' \(Conv2D\): myelin has no Conv2D layer/,
    ],
    [
      'a kernel_constraint',
      (c) => (c.config.layers[1].config.kernel_constraint = { class_name: 'MaxNorm', config: { max_value: 2 } }),
      /layer 1 'dense' \(Dense\): kernel_constraint .*MaxNorm.* is not supported/,
    ],
    [
      'an activation myelin lacks',
      (c) => (c.config.layers[3].config.activation = 'selu'),
      /layer 3 'hidden' \(Dense\): activation "selu" is not one myelin has/,
    ],
    [
      'a custom activation',
      (c) => (c.config.layers[3].config.activation = { module: 'my', class_name: 'Swoosh', config: {} }),
      /layer 3 'hidden' \(Dense\): activation .*Swoosh.* is not one myelin has/,
    ],
    ['a functional model', (c) => (c.class_name = 'Functional'), /"Functional" model; myelin reads Sequential models/],
    [
      'a frozen layer',
      (c) => (c.config.layers[4].config.trainable = false),
      /layer 4 'dense_2' \(Dense\): trainable false/,
    ],
    [
      'a custom layer class',
      (c) => (c.config.layers[4].module = 'my_layers'),
      /layer 4 'dense_2' \(Dense\): the class comes from module 'my_layers'/,
    ],
    [
      'a float64 layer',
      (c) => (c.config.layers[4].config.dtype.config.name = 'float64'),
      /layer 4 'dense_2' \(Dense\): dtype "float64"/,
    ],
    [
      'images as input',
      (c) => (c.config.layers[0].config.batch_shape = [null, 28, 28]),
      /batch_shape \[null,28,28\] is not \[batch, features\]/,
    ],
    [
      'amsgrad',
      (c) => (c.compile_config.optimizer.config.amsgrad = true),
      /optimizer Adam: amsgrad true is not supported/,
    ],
    [
      'an optimizer myelin lacks',
      (c) => (c.compile_config.optimizer.class_name = 'Ftrl'),
      /optimizer Ftrl is not one myelin has/,
    ],
    [
      'a schedule myelin lacks',
      (c) => (c.compile_config.optimizer.config.learning_rate = { class_name: 'CosineDecayRestarts', config: {} }),
      /optimizer Adam: .*CosineDecayRestarts/,
    ],
    [
      'ignore_class',
      (c) =>
        (c.compile_config.loss = {
          module: 'keras.losses',
          class_name: 'SparseCategoricalCrossentropy',
          config: { ignore_class: 3 },
        }),
      /loss SparseCategoricalCrossentropy: ignore_class 3 is not supported/,
    ],
    [
      'a loss myelin lacks',
      (c) => (c.compile_config.loss = 'categorical_hinge'),
      /loss "categorical_hinge": unknown name 'categorical_hinge'/,
    ],
    ['loss weights', (c) => (c.compile_config.loss_weights = [0.5]), /compile loss_weights \[0.5\] is not supported/],
  ];
  for (const [what, edit, message] of cases)
    it(what, async () => {
      const err = await kerasFromBytes(editedConfig(edit), 'x.keras').catch((e) => e);
      expect(err).toBeInstanceOf(ModelFileError);
      expect(err.message).toMatch(/^loadModel: x\.keras: /);
      expect(err.message).toMatch(message);
    });

  it('Keras 3 objects for losses and metrics map by class name', async () => {
    const m = await kerasFromBytes(
      editedConfig((c) => {
        c.compile_config.loss = {
          module: 'keras.losses',
          class_name: 'CategoricalCrossentropy',
          config: {
            name: 'cce',
            reduction: 'sum_over_batch_size',
            from_logits: true,
            label_smoothing: 0,
            axis: -1,
            dtype: null,
          },
          registered_name: null,
        };
        c.compile_config.metrics = [
          {
            module: 'keras.metrics',
            class_name: 'CategoricalAccuracy',
            config: { name: 'categorical_accuracy', dtype: 'float32' },
            registered_name: null,
          },
        ];
      }),
      'x.keras',
    );
    expect(m.getCompileConfig()).toMatchObject({
      loss: { className: 'CategoricalCrossentropy', config: { fromLogits: true, labelSmoothing: 0 } },
      metrics: ['categorical_accuracy'],
    });
  });
});

describe('damaged and foreign files: one clear error each, no crash', () => {
  it('truncated, not a zip, no config.json, not HDF5, no model_config', async () => {
    const k = fixture('keras3-classifier.keras');
    const h = fixture('keras2-binary.h5');
    await expect(kerasFromBytes(k.subarray(0, k.length - 100), 't.keras')).rejects.toThrow(
      /t\.keras: not a readable \.keras archive: .*central/,
    );
    await expect(kerasFromBytes(k.subarray(0, 2000), 't.keras')).rejects.toThrow(ModelFileError);
    await expect(kerasFromBytes(strToU8('hello, world'), 'w.keras')).rejects.toThrow(
      /w\.keras: not a readable \.keras archive/,
    );
    const files = unzipSync(k);
    delete files['config.json'];
    await expect(kerasFromBytes(zipSync(files), 'n.keras')).rejects.toThrow(
      /n\.keras: the archive has no config\.json/,
    );
    // HDF5's cause, not the first line of its error stack ('HDF5-DIAG: Error detected in HDF5 (2.0.0):').
    await expect(h5FromBytes(h.subarray(0, h.length >> 1), 't.h5')).rejects.toThrow(
      `loadModel: t.h5: the HDF5 library cannot read it: truncated file: eof = ${h.length >> 1}, sblock->base_addr = 0, stored_eof = ${h.length}`,
    );
    await expect(h5FromBytes(k, 'z.h5')).rejects.toThrow(/^loadModel: z\.h5: /);
    const weightsOnly = unzipSync(k)['model.weights.h5']!;
    await expect(h5FromBytes(weightsOnly, 'w.h5')).rejects.toThrow(/w\.h5: no model_config attribute/);
  });

  it('a deflated config.json past 64 MiB (a zip bomb) is refused from its declared size, before it is inflated', async () => {
    const files = unzipSync(fixture('keras3-classifier.keras'));
    // Valid JSON (trailing spaces): it loaded, after inflating every byte of it.
    const config = strToU8(`${strFromU8(files['config.json']!)}${' '.repeat(64 << 20)}`);
    const bomb = zipSync({ ...files, 'config.json': [config, { level: 9 }] });
    expect(bomb.length).toBeLessThan(1 << 20);
    await expect(kerasFromBytes(bomb, 'b.keras')).rejects.toThrow(
      `loadModel: b.keras: not a readable .keras archive: zip entry config.json declares ${config.length} bytes, more than a model file holds (67108864)`,
    );
  });

  // Seeded byte mutations of real files: every outcome is a loaded model or a ModelFileError. Half the
  // .keras mutations change an entry inside the archive and zip it again (valid CRCs), to reach the JSON
  // and HDF5 readers behind the zip's checks.
  const mutate = (b: Uint8Array, rand: () => number) => {
    const out = b.slice(0, rand() < 0.1 ? Math.floor(rand() * b.length) : b.length);
    for (let k = 1 + Math.floor(rand() * 4); k > 0; k--)
      out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
    return out;
  };
  for (const [name, decode, count] of [
    ['keras3-classifier.keras', kerasFromBytes, 1500],
    ['keras2-binary.h5', h5FromBytes, 1000],
  ] as const)
    it(`fuzz: ${count} mutations of ${name}`, { timeout: 600_000 }, async () => {
      const original = fixture(name);
      const inner = name.endsWith('.keras') ? unzipSync(original) : null;
      let seed = 12345;
      const rand = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 2 ** 32;
      };
      let loaded = 0;
      for (let i = 0; i < count; i++) {
        let b: Uint8Array;
        if (inner && rand() < 0.5) {
          const entry = rand() < 0.3 ? 'config.json' : 'model.weights.h5';
          b = zipSync({ ...inner, [entry]: mutate(inner[entry]!, rand) }, { level: 0 });
        } else b = mutate(original, rand);
        try {
          const m = await decode(b, 'f');
          m.predict(X);
          loaded++;
        } catch (e) {
          if (!(e instanceof ModelFileError)) throw new Error(`mutation ${i}: ${String(e)}`, { cause: e });
        }
      }
      expect(loaded).toBeGreaterThan(0); // some bytes (padding, unused space, names) do not matter
    });
});
