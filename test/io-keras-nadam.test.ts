// Nadam's state in Keras files: Keras 3 keeps u_product after the slots (keras/src/optimizers/nadam.py).
// Fixtures: test/fixtures/make_keras_nadam_fixtures.py (Keras's Nadam steps in float32 numpy).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense, Matrix, ModelFileError, Nadam, Sequential, setSeed } from '../lib/index.js';
import { h5FromBytes, h5ToBytes, kerasFromBytes, kerasToBytes } from '../lib/io/keras/index.js';
import { KERAS_FIXTURES, fixture } from './helpers/keras-fixtures.js';

const want = JSON.parse(readFileSync(join(KERAS_FIXTURES, 'nadam.json'), 'utf8'));
const flat = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(w instanceof Matrix ? w.data : w));

/** The fixture's state (5 steps, Keras's slots), and 3 more steps give the weights Keras computes. */
async function continuesAsKeras(m: Sequential) {
  const state = m.getOptimizerState();
  expect(state.iterations).toBe(5);
  expect(state.slots.map((s) => Array.from(s))).toEqual(
    want.slots.map((s: number[]) => Array.from(Float32Array.from(s))),
  );
  await m.fit(Matrix.from(want.x), Matrix.from(want.y), { epochs: 3, batchSize: 6, verbose: 0 });
  const after = want.after.flat() as number[];
  flat(m).forEach((v, i) => expect(Math.abs(v - after[i]!)).toBeLessThan(2e-6));
}

/** Keras's u_product after `steps`: prod of 0.9 (1 - 0.5 * 0.96^i), in double. */
const uProduct = (steps: number) => {
  let p = 1;
  for (let i = 1; i <= steps; i++) p *= 0.9 * (1 - 0.5 * 0.96 ** i);
  return p;
};

describe('a .keras file Keras wrote with Nadam state', () => {
  it('loads the step count and slots, and 3 more steps give the weights Keras computes', async () => {
    const m = await kerasFromBytes(fixture('keras3-nadam.keras'), 'n.keras');
    expect(m.getCompileConfig()!.optimizer.className).toBe('Nadam');
    await continuesAsKeras(m);
    const after = want.after.flat() as number[];
    // A fresh optimizer (the state dropped) takes other steps: the state is what makes them agree.
    const fresh = await kerasFromBytes(fixture('keras3-nadam.keras'), 'n.keras');
    fresh.compile({ loss: 'mse', optimizer: new Nadam(0.01) });
    await fresh.fit(Matrix.from(want.x), Matrix.from(want.y), { epochs: 3, batchSize: 6, verbose: 0 });
    expect(Math.max(...flat(fresh).map((v, i) => Math.abs(v - after[i]!)))).toBeGreaterThan(1e-3);
  });

  it('the same state in the legacy .h5 Keras 3 writes (optimizer_weights with learning_rate and u_product)', async () => {
    const m = await h5FromBytes(fixture('keras3-nadam.h5'), 'n.h5');
    await continuesAsKeras(m);
  });

  it('a u_product that does not match the step count is one clear error', async () => {
    const err = await kerasFromBytes(fixture('keras3-nadam-bad-product.keras'), 'bad.keras').catch((e) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err.message).toBe(
      `loadModel: bad.keras: model.weights.h5: optimizer/vars/6 (u_product) is 0.5, but after 5 steps it is ` +
        `${uProduct(5)} (a damaged file?)`,
    );
  });
});

function compiled() {
  setSeed(11);
  const m = new Sequential([
    new Dense(5, { inputDim: 4, activation: 'tanh' }),
    new Dense(3, { activation: 'softmax' }),
  ]);
  m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new Nadam(0.02) });
  return m;
}
const X = Matrix.from(want.x);
const Y = Int32Array.from({ length: X.rows }, (_, i) => i % 3);
const train = (m: Sequential, epochs: number, initialEpoch = 0) =>
  m.fit(X, Y, { epochs, initialEpoch, batchSize: 2, verbose: 0 });

describe('myelin → Keras file → myelin with Nadam', () => {
  for (const [format, encode, decode] of [
    ['.keras', kerasToBytes, kerasFromBytes],
    ['.h5', h5ToBytes, h5FromBytes],
  ] as const)
    it(`${format}: 3 epochs, save, load, 3 more give the weights of 6 epochs in one go`, async () => {
      const whole = compiled();
      await train(whole, 6);
      const first = compiled();
      await train(first, 3);
      const back = await decode(await encode(first), `m${format}`);
      expect(back.getOptimizerState()).toEqual(first.getOptimizerState());
      expect(back.getOptimizerState().iterations).toBe(9);
      await train(back, 6, 3);
      expect(flat(back)).toEqual(flat(whole));
    });
});

const python = '/usr/bin/python3';
const hasH5py = spawnSync(python, ['-c', 'import h5py, numpy'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!hasH5py)("the .keras file's optimizer/vars, read by h5py", () => {
  it("iteration, learning_rate, each array's momentum and velocity, then u_product", async () => {
    const m = compiled();
    await train(m, 2);
    const path = join(mkdtempSync(join(tmpdir(), 'myelin-nadam-')), 'm.keras');
    writeFileSync(path, await kerasToBytes(m));
    const r = spawnSync(python, [join(import.meta.dirname, 'fixtures', 'inspect_keras.py'), path, '[[0,0,0,0]]'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    const h5 = JSON.parse(r.stdout).h5;
    expect(h5['optimizer/vars'].attrs).toEqual({ name: 'nadam' });
    expect(h5['optimizer/vars/0']).toMatchObject({ shape: [], dtype: 'int64', value: 6 });
    expect(h5['optimizer/vars/1']).toMatchObject({ shape: [], dtype: 'float32' });
    const shapes = [[4, 5], [4, 5], [5], [5], [5, 3], [5, 3], [3], [3]];
    shapes.forEach((shape, k) => expect(h5[`optimizer/vars/${2 + k}`]).toMatchObject({ shape, dtype: 'float32' }));
    expect(h5['optimizer/vars/10']).toMatchObject({ shape: [], dtype: 'float32' });
    expect(h5['optimizer/vars/10'].value).toBeCloseTo(uProduct(6), 7);
    expect(h5['optimizer/vars/11']).toBeUndefined();
  });
});
