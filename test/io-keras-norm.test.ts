// Normalization in the Keras formats (.keras and legacy .h5): files written as Keras writes them
// (test/fixtures/make_keras_norm_fixtures.py, values from numpy), myelin's round trips, the layer's options
// (mean and variance given, invert, axis) and hostile files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Dense, Matrix, Normalization, Sequential, loadModel } from '../lib/index.js';
import { h5FromBytes, h5ToBytes, kerasFromBytes, kerasToBytes } from '../lib/io/keras/index.js';
import { KERAS_FIXTURES, expectClose, fixture } from './helpers/keras-fixtures.js';

const FIX = KERAS_FIXTURES;
const expected = JSON.parse(readFileSync(join(FIX, 'normalization.json'), 'utf8'));

const rows = (n: number, cols: number, seed: number) => {
  const x = new Matrix(n, cols);
  let s = seed;
  for (let i = 0; i < x.data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x.data[i] = ((s / 2 ** 32) * 2 - 1) * 4 + (i % cols);
  }
  return x;
};

/** The layer's outputs (a model needs a Dense layer: an identity one follows). */
function through(layer: Normalization, x: number[][]): number[] {
  const width = x[0]!.length;
  const m = new Sequential([layer, new Dense(width, { useBias: false })]);
  const eye = new Matrix(width, width);
  for (let j = 0; j < width; j++) eye.data[j * width + j] = 1;
  m.layers[1]!.setWeights([eye]);
  return Array.from(m.predict(Matrix.from(x)).data);
}

describe('Normalization options', () => {
  it("Keras's documented examples: adapt per feature, axis null, given values, invert", () => {
    const adapt = Matrix.from([
      [0, 7, 4],
      [2, 9, 6],
      [0, 7, 4],
      [2, 9, 6],
    ]);
    const per = new Normalization({ inputDim: 3 });
    per.adapt(adapt);
    expect(through(per, [[0, 7, 4]])).toEqual([-1, -1, -1]);
    const inv = new Normalization({ inputDim: 3, invert: true });
    inv.adapt(adapt);
    expect(through(inv, [[1, 2, 3]])).toEqual([2, 10, 8]);
    const all = new Normalization({ inputDim: 1, axis: null });
    all.adapt(Matrix.from([[1], [2], [3], [4], [5]]));
    const y = through(all, [[1], [2], [3]]);
    [-Math.SQRT2, -Math.SQRT1_2, 0].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
    const g = through(new Normalization({ inputDim: 1, mean: 3, variance: 2 }), [[1], [2], [3]]);
    [-Math.SQRT2, -Math.SQRT1_2, 0].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 6));
    // axis null adapts one mean and variance over every value of every feature
    const wide = new Normalization({ inputDim: 2, axis: null });
    wide.adapt(
      Matrix.from([
        [0, 10],
        [2, 12],
      ]),
    );
    const [a, b] = through(wide, [[6, 6 + Math.sqrt(26)]]);
    expect(a).toBe(0);
    expect(b).toBeCloseTo(1, 6);
    expect(wide.getWeights().map((w) => Array.from(w as Float32Array))).toEqual([
      [6, 6],
      [26, 26],
    ]);
  });

  it('bad options get clear errors', () => {
    expect(() => new Normalization({ axis: 0 as never })).toThrow(
      /Normalization: axis must be -1 \(a mean and variance per feature\) or null \(one for all features\), got number 0/,
    );
    expect(() => new Normalization({ axis: null, mean: [1, 2], variance: [1, 1] })).toThrow(
      /with axis null, mean and variance must be single numbers/,
    );
    expect(() => new Normalization({ invert: 'yes' as never })).toThrow(/invert must be a boolean, got 'yes'|"yes"/);
    expect(() => new Normalization({ mean: 1 })).toThrow(/give both mean and variance/);
    expect(() => new Normalization({ mean: 1, variance: -2 })).toThrow(/variance\[0\] must be >= 0, got -2/);
    expect(() => new Normalization({ mean: Number.NaN, variance: 1 })).toThrow(/mean must be a finite number/);
  });

  it('axis, invert and given statistics are saved and restored in every format', async () => {
    const x = rows(12, 3, 4);
    const adapted = new Normalization({ inputDim: 3, axis: null, name: 'all' });
    const m = new Sequential([
      adapted,
      new Dense(4, { activation: 'tanh' }),
      new Normalization({ mean: [1, 2, 3, 4], variance: [0.5, 1, 2, 4], invert: true, name: 'back' }),
      new Normalization({ name: 'per' }),
      new Dense(2),
    ]);
    adapted.adapt(x);
    (m.layers[3] as Normalization).adapt(rows(12, 4, 8));
    const want = m.predict(x).data;
    for (const format of ['myelin', 'keras', 'h5', 'onnx'] as const) {
      const back = await loadModel(await bytesOf(m, format));
      const got = back.predict(x).data;
      // ONNX holds the standard deviation (float32), not the variance: equal to float32 rounding
      want.forEach((v, i) => expect(Math.abs(got[i]! - v), format).toBeLessThanOrEqual(format === 'onnx' ? 1e-6 : 0));
      if (format === 'onnx') continue;
      const [a, , b, p] = back.layers as Normalization[];
      expect([a!.axis, a!.invert, a!.mean, b!.invert, b!.mean, b!.variance, p!.axis], format).toEqual([
        null,
        false,
        null,
        true,
        [1, 2, 3, 4],
        [0.5, 1, 2, 4],
        -1,
      ]);
    }
  });
});

async function bytesOf(m: Sequential, format: 'myelin' | 'keras' | 'h5' | 'onnx'): Promise<Uint8Array> {
  if (format === 'keras') return kerasToBytes(m);
  if (format === 'h5') return h5ToBytes(m);
  return m.toBuffer({ format });
}

describe('Normalization in Keras files', () => {
  it('a Keras 3 .keras file: adapted (variables with count) and given (config, invert) layers', async () => {
    const m = await kerasFromBytes(fixture('keras3-normalization.keras'), 'n.keras');
    const want = expected['keras3-normalization.keras'];
    expect(m.layers.map((l) => l.className)).toEqual(['Normalization', 'Dense', 'Normalization', 'Dense']);
    const [n0, , n1] = m.layers as Normalization[];
    expect([n0!.axis, n0!.invert, n0!.mean, n1!.invert, n1!.mean]).toEqual([-1, false, null, true, [1.5, -2, 0.25]]);
    expectClose(m.predict(Matrix.from(want.x)), want.y);
  });

  it('a Keras 2 legacy .h5 file: adapted with axis None (scalar mean and variance)', async () => {
    const m = await h5FromBytes(fixture('keras2-normalization.h5'), 'n.h5');
    const want = expected['keras2-normalization.h5'];
    expect((m.layers[0] as Normalization).axis).toBe(null);
    expect(Array.from(m.layers[0]!.getWeights()[0] as Float32Array)).toEqual([0.75, 0.75, 0.75, 0.75]);
    expectClose(m.predict(Matrix.from(want.x)), want.y);
  });

  it('what myelin writes is what Keras writes: config keys, variables and their shapes', async () => {
    const m = await kerasFromBytes(fixture('keras3-normalization.keras'), 'n.keras');
    const files = unzipSync(await kerasToBytes(m));
    const config = JSON.parse(strFromU8(files['config.json']!));
    const [, n0, , n1] = config.config.layers;
    expect(n0.config).toMatchObject({ axis: [-1], invert: false, mean: null, variance: null });
    expect(n1.config).toMatchObject({ axis: [-1], invert: true, mean: [1.5, -2, 0.25], variance: [4, 0.5, 9] });
    const back = await kerasFromBytes(zipSync(files, { level: 0 }), 'again.keras');
    const x = Matrix.from(expected['keras3-normalization.keras'].x);
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
  });

  it('hostile files: a negative variance, a wrong shape, NaN, an axis myelin lacks, half the statistics', async () => {
    await expect(kerasFromBytes(fixture('keras3-normalization-negvar.keras'), 'bad.keras')).rejects.toThrow(
      /bad\.keras: .*normalization\/vars \(layer 'normalization'\): variance holds -1 at index 2; a variance is >= 0/,
    );
    const edited = (edit: (layers: any[]) => void) => {
      const files = unzipSync(fixture('keras3-normalization.keras'));
      const config = JSON.parse(strFromU8(files['config.json']!));
      edit(config.config.layers);
      files['config.json'] = strToU8(JSON.stringify(config));
      return kerasFromBytes(zipSync(files, { level: 0 }), 'e.keras');
    };
    await expect(edited((l) => (l[3].config.mean = [1, 2]))).rejects.toThrow(
      /mean has 2 values but variance has 3|mean and variance have|has 2 values but the input is 3 wide/,
    );
    await expect(edited((l) => (l[3].config.variance = [1, -1, 2]))).rejects.toThrow(
      /layer 3 'normalization_1' \(Normalization\): variance \[1,-1,2\] is not a finite number >= 0 or a list of them/,
    );
    await expect(edited((l) => (l[3].config.mean = [1, 'NaN', 2]))).rejects.toThrow(/mean .* is not a finite number/);
    await expect(edited((l) => (l[1].config.axis = [0]))).rejects.toThrow(
      /layer 1 'normalization' \(Normalization\): axis \[0\] is not -1 \(per feature\) or None/,
    );
    await expect(edited((l) => (l[3].config.variance = null))).rejects.toThrow(/mean and variance must both be given/);
    await expect(edited((l) => (l[1].config.axis = []))).rejects.toThrow(/has shape \[4\] but the model needs \[\]/);
  });
});
