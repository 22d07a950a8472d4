import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Adam,
  Dense,
  Dropout,
  Matrix,
  ModelFileError,
  SGD,
  Sequential,
  StandardScaler,
  loadModel,
  setSeed,
} from '../lib/index.js';
import { atomicWriteTestHooks } from '../lib/io/atomic-write.js';
import { editJson, readHeader } from './helpers/model-file.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'myelin-model-'));

/** 60 rows, 3 features on very different scales, 3 classes. */
function data() {
  const x = new Matrix(60, 3);
  const y = new Int32Array(60);
  for (let i = 0; i < 60; i++) {
    const a = Math.sin(i * 1.7);
    const b = Math.cos(i * 0.9);
    x.data.set([a * 100 + 50, b, (i % 7) * 0.01], i * 3);
    y[i] = a > 0.3 ? 2 : b > 0 ? 1 : 0;
  }
  return { x, y };
}

function build(optimizer: Adam | SGD = new Adam({ learningRate: 0.01 })) {
  const m = new Sequential([
    new Dense(8, { inputDim: 3, activation: 'tanh' }),
    new Dropout(0.25),
    new Dense(3, { activation: 'softmax', name: 'out' }),
  ]);
  m.compile({ loss: 'sparse_categorical_crossentropy', optimizer, metrics: ['accuracy'] });
  return m;
}

const flat = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(w instanceof Matrix ? w.data : w));

afterEach(() => {
  atomicWriteTestHooks.afterChunk = null;
  atomicWriteTestHooks.chunkBytes = 4 << 20;
});

describe('save and load', () => {
  it('save → loadModel: same architecture, weights, compile config, optimizer state; bit-identical predictions', async () => {
    setSeed(1);
    const { x, y } = data();
    const m = build();
    await m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const path = join(tmp(), 'model.myelin');
    await m.save(path);
    const l = await loadModel(path);
    expect(l.getConfig()).toEqual(m.getConfig());
    expect(l.getCompileConfig()).toEqual(m.getCompileConfig());
    expect(l.getOptimizerState()).toEqual(m.getOptimizerState());
    expect(l.getOptimizerState().iterations).toBe(8); // 2 epochs x 4 batches
    expect(l.epochsTrained).toBe(2);
    expect(l.predict(x).data).toEqual(m.predict(x).data);
    expect(await l.evaluate(x, y)).toEqual(await m.evaluate(x, y));
    // Re-serializing the loaded model reproduces the file byte for byte.
    expect(Buffer.from(l.toBuffer()).equals(readFileSync(path))).toBe(true);
    // In memory, from a Buffer, a Uint8Array view at an odd offset, and an ArrayBuffer.
    const bytes = m.toBuffer();
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    for (const src of [Buffer.from(bytes), shifted.subarray(1), bytes.slice().buffer])
      expect((await loadModel(src)).predict(x).data).toEqual(m.predict(x).data);
  });

  it('a model saved before compile loads uncompiled, with its weights', async () => {
    setSeed(2);
    const m = new Sequential([new Dense(2, { inputDim: 2, activation: 'relu' }), new Dense(1)]);
    const l = await loadModel(m.toBuffer());
    expect(l.getCompileConfig()).toBeNull();
    expect(flat(l)).toEqual(flat(m));
    expect(() => new Sequential([new Dense(2)]).toBuffer()).toThrow(/toBuffer: the model has no weights yet/);
  });

  it('resuming fit from a saved model (weights, Adam state, iterations, epoch, seed) equals uninterrupted training', async () => {
    const { x, y } = data();
    setSeed(11);
    const whole = build();
    const h = await whole.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0 });

    setSeed(11);
    const first = build();
    await first.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    const path = join(tmp(), 'half.myelin');
    await first.save(path);
    setSeed(999); // another process, another global seed
    const resumed = await loadModel(path);
    expect(resumed.epochsTrained).toBe(3);
    const h2 = await resumed.fit(x, y, { epochs: 6, initialEpoch: resumed.epochsTrained, batchSize: 8, verbose: 0 });
    expect(flat(resumed)).toEqual(flat(whole));
    expect(resumed.getOptimizerState()).toEqual(whole.getOptimizerState());
    expect(h2.history['loss']).toEqual(h.history['loss']!.slice(3));
    expect(resumed.epochsTrained).toBe(6);
  });

  it('attached preprocessing travels with the model: the loaded model takes raw inputs', async () => {
    setSeed(3);
    const { x, y } = data();
    const scaler = new StandardScaler().fit(x);
    const m = build(new SGD(0.1, 0.9));
    const plain = Sequential.fromConfig(m.getConfig());
    plain.setWeights(m.getWeights());
    m.setPreprocessing(scaler);
    expect(m.predict(x).data).toEqual(plain.predict(scaler.transform(x)).data);
    await m.fit(x, y, { epochs: 3, batchSize: 20, verbose: 0 });
    const l = await loadModel(m.toBuffer());
    expect(l.preprocessing?.toJSON()).toEqual(scaler.toJSON());
    expect(l.predict(x).data).toEqual(m.predict(x).data);
    expect(await l.evaluate(x, y)).toEqual(await m.evaluate(x, y));
    expect(() => m.setPreprocessing(new StandardScaler())).toThrow(/the scaler is not fitted/);
    expect(() => m.setPreprocessing(new StandardScaler().fit([[1, 2]]))).toThrow(
      /fitted on 2 columns but the model's input is 3 wide/,
    );
  });

  it('refuses to save in the middle of a running epoch (weights and optimizer state are moving)', async () => {
    setSeed(6);
    const m = build();
    const x = new Matrix(
      4000,
      3,
      Float32Array.from({ length: 12000 }, (_, i) => Math.sin(i)),
    );
    const y = Int32Array.from({ length: 4000 }, (_, i) => i % 3);
    const done = m.fit(x, y, { epochs: 30, batchSize: 4, verbose: 0 });
    let error: Error | null = null;
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished && !error) {
      await new Promise((r) => setTimeout(r, 1));
      try {
        m.toBuffer();
      } catch (e) {
        error = e as Error;
      }
    }
    await done;
    expect(error?.message).toBe(
      'toBuffer: the model is in the middle of a training epoch; save from a callback (ModelCheckpoint) or after fit',
    );
    expect((await loadModel(m.toBuffer())).predict(x).data).toEqual(m.predict(x).data);
  });

  it('a save that fails half-way leaves the previous model file loadable and unchanged', async () => {
    setSeed(4);
    const path = join(tmp(), 'm.myelin');
    const old = build();
    await old.save(path);
    const before = readFileSync(path);
    const next = build();
    atomicWriteTestHooks.chunkBytes = 256;
    atomicWriteTestHooks.afterChunk = (n) => {
      if (n >= 512) throw new Error('EIO: i/o error (injected)');
    };
    await expect(next.save(path)).rejects.toThrow(/save: cannot write .*m\.myelin: EIO: i\/o error \(injected\)/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(join(path, '..'))).toEqual(['m.myelin']);
    const { x } = data();
    expect((await loadModel(path)).predict(x).data).toEqual(old.predict(x).data);
  });
});

describe('loadModel rejects what it cannot trust', () => {
  setSeed(5);
  const good = build().toBuffer();
  const reject = async (bytes: Uint8Array, message: RegExp) => {
    const err = await loadModel(bytes).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toMatch(/^loadModel: <bytes>: /);
    expect((err as Error).message).toMatch(message);
  };

  it('names the file: missing, a folder', async () => {
    const d = tmp();
    await expect(loadModel(join(d, 'none.myelin'))).rejects.toThrow(/^loadModel: .*none\.myelin: cannot read: ENOENT/);
    await expect(loadModel(d)).rejects.toThrow(/^loadModel: .*: not a regular file/);
    writeFileSync(join(d, 'x.myelin'), 'hello');
    await expect(loadModel(join(d, 'x.myelin'))).rejects.toThrow(
      /x\.myelin: not a model file myelin reads: it starts with bytes 68 65 6c 6c 6f/,
    );
    await expect(loadModel(42 as never)).rejects.toThrow(
      /expected a path, a Uint8Array\/Buffer or an ArrayBuffer, got number 42/,
    );
  });

  it('unknown layer class, bad shapes, missing or extra tensors, bad compile, optimizer and preprocessing', async () => {
    await reject(
      editJson(good, (h) => (h.model.layers[0].className = 'Conv2D')),
      /the architecture is invalid: .*unknown className "Conv2D"/,
    );
    await reject(
      editJson(good, (h) => (h.model.layers[2].config.units = 1e9)),
      /the architecture needs at least 9000000032 weights but the file holds \d+ values/,
    );
    await reject(
      editJson(good, (h) => (h.model.layers[0].config.inputDim = -3)),
      /layer 0 has an invalid inputDim -3/,
    );
    await reject(
      editJson(good, (h) => (h.kind = 'something-else')),
      /describes "something-else", not a Sequential model/,
    );
    await reject(
      editJson(good, (h) => (h.model.layers[2].config.units = 4)),
      /"out\/kernel" has shape \[8,3\] but the architecture needs \[8,4\]/,
    );
    await reject(
      editJson(good, (h) => (h.tensors[1].name = 'dense/bias_x')),
      /lack "dense\/bias"|belongs to nothing/,
    );
    await reject(
      editJson(good, (h) => (h.compile.loss = 'hinje')),
      /the compile configuration is invalid: .*hinje/,
    );
    await reject(
      editJson(good, (h) => (h.compile.optimizer.className = 'Lion')),
      /the optimizer configuration is invalid: .*Lion/,
    );
    await reject(
      editJson(good, (h) => (h.optimizer.slots = 3)),
      /the file has 3 optimizer slots but Adam on this architecture needs 8/,
    );
    await reject(
      editJson(good, (h) => (h.optimizer.iterations = -1)),
      /the optimizer state .* is invalid/,
    );
    await reject(
      editJson(good, (h) => (h.training.epoch = 1.5)),
      /the training position .* is invalid/,
    );
    await reject(
      editJson(good, (h) => (h.preprocessing = { className: 'StandardScaler', config: { mean: [0], std: [1] } })),
      /the preprocessing does not fit the model: .*fitted on 1 columns/,
    );
    await reject(
      editJson(good, (h) => (h.preprocessing = { className: 'PCA', config: {} })),
      /the preprocessing is invalid: unknown scaler class "PCA"/,
    );
    expect(readHeader(good).myelinVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('forged header fields: scaler values outside float32, non-boolean useBias, fields of the wrong type', async () => {
    const cols: number = readHeader(good).model.layers[0].config.inputDim;
    const first = (v: number, rest: number) => Array.from({ length: cols }, (_, j) => (j === 0 ? v : rest));
    const standard = (mean: number, std: number) => (h: Record<string, any>) =>
      (h.preprocessing = { className: 'StandardScaler', config: { mean: first(mean, 0), std: first(std, 1) } });
    await reject(
      editJson(good, standard(0, 5e-324)),
      /preprocessing is invalid: StandardScaler config\.std must be > 0, in float32's normal range \[1\.17\d*e-38, 3\.40\d*e\+38\] .*; StandardScaler config\.std\[0\] is 5e-324$/,
    );
    await reject(
      editJson(good, standard(1e308, 1)),
      /StandardScaler config\.mean must be within float32's range ±3\.40\d*e\+38 .*config\.mean\[0\] is 1e\+308$/,
    );
    await reject(editJson(good, standard(-1e308, 1)), /config\.mean\[0\] is -1e\+308$/);
    const minMax = (lo: number, hi: number) => (h: Record<string, any>) =>
      (h.preprocessing = {
        className: 'MinMaxScaler',
        config: { featureRange: [0, 1], dataMin: first(lo, 0), dataMax: first(hi, 1) },
      });
    await reject(editJson(good, minMax(-3e38, 3e38)), /MinMaxScaler config dataMax - dataMin\[0\] is 6e\+38$/);
    await reject(editJson(good, minMax(-1e300, 0)), /MinMaxScaler config\.dataMin\[0\] is -1e\+300$/);
    await reject(
      editJson(good, (h) => (h.model.layers[0].config.useBias = 'x')),
      /model\.layers\[0\]\.config\.useBias must be boolean \(or absent\), got the string "x"/,
    );
    await reject(
      editJson(good, (h) => (h.model.layers[2].config.useBias = 0)),
      /model\.layers\[2\]\.config\.useBias must be boolean \(or absent\), got number 0/,
    );
    await reject(
      editJson(good, (h) => (h.model.layers[1].config.name = 7)),
      /model\.layers\[1\]\.config\.name must be string/,
    );
    await reject(
      editJson(good, (h) => (h.compile.metrics = [3])),
      /compile\.metrics\[0\] must be string or object, got number 3/,
    );
    await reject(
      editJson(good, (h) => (h.compile.metrics = [{ config: {} }])),
      /compile\.metrics\[0\]\.className must be string/,
    );
    await reject(
      editJson(good, (h) => (h.compile.optimizer.config.learningRate = 'fast')),
      /compile\.optimizer\.config\.learningRate must be number or boolean/,
    );
    await reject(
      editJson(good, (h) => (h.preprocessing = { className: 'StandardScaler', config: 5 })),
      /preprocessing\.config must be object, got number 5/,
    );
    await reject(
      editJson(good, (h) => (h.model.layers = {})),
      /model\.layers must be array/,
    );
    await reject(
      editJson(good, (h) => (h.training = 'yesterday')),
      /training must be object/,
    );
  });

  it('fuzz: thousands of random truncations, bit flips and byte smashes give a clear error, never a crash or a wrong model', async () => {
    const { x } = data();
    const expected = (await loadModel(good)).predict(x).data;
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let rejected = 0;
    let accepted = 0;
    for (let k = 0; k < 3000; k++) {
      let b: Uint8Array;
      const kind = k % 3;
      if (kind === 0) b = good.slice(0, rand(good.length));
      else {
        b = good.slice();
        const changes = kind === 1 ? 1 : 1 + rand(8);
        for (let c = 0; c < changes; c++) {
          const at = rand(b.length);
          b[at] = kind === 1 ? b[at]! ^ (1 << rand(8)) : rand(256);
        }
      }
      try {
        const m = await loadModel(b);
        // Only possible if the bytes did not change (a smash that wrote the same value).
        expect(m.predict(x).data).toEqual(expected);
        accepted++;
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFileError);
        expect((e as Error).message).toMatch(/^loadModel: <bytes>: \S/);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(2950);
    expect(rejected + accepted).toBe(3000);
  });
});
