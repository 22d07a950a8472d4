import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense, Imputer, Matrix, OneHotEncoder, Preprocessor, Sequential, loadModel, parseCsv } from '../lib/index.js';

// Expected values from scikit-learn: test/fixtures/make_preprocessing.py
const f = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'preprocessing.json'), 'utf8'));
const num = (rows: (number | null)[][]) => rows.map((r) => r.map((v) => (v === null ? NaN : v)));
const close = (got: Matrix, want: number[][], tol = 1e-5) => {
  expect(got.shape).toEqual([want.length, want[0]!.length]);
  want.forEach((r, i) => r.forEach((v, j) => expect(got.get(i, j)).toBeCloseTo(v, -Math.log10(tol))));
};
const trainRows = () =>
  f.train.numbers.map((r: (number | null)[], i: number) => [...r, f.train.colors[i], f.train.sizes[i]]);
const testRows = () => f.test.numbers.map((r: (number | null)[], i: number) => [...r, ...f.test.categories[i]]);

describe('Imputer (vs sklearn SimpleImputer)', () => {
  for (const strategy of ['mean', 'median', 'most_frequent'] as const)
    it(`${strategy}: statistics and filled rows`, () => {
      const imp = new Imputer({ strategy }).fit(num(f.train.numbers));
      Array.from(imp.statistics!).forEach((v, j) => expect(v).toBeCloseTo(f.imputer[strategy].statistics[j], 5));
      close(imp.transform(num(f.test.numbers)), f.imputer[strategy].test);
    });

  it('null counts as missing in plain arrays; Infinity is an error; round-trips through toJSON', () => {
    const imp = new Imputer({ strategy: 'constant', fillValue: -1 }).fit([
      [1, null as unknown as number],
      [3, 4],
    ]);
    expect(imp.transform([[NaN, NaN]]).toArray()).toEqual([[-1, -1]]);
    expect(() => new Imputer().fit([[Infinity]])).toThrow(/x\[0\]\[0\] is Infinity; only NaN marks a missing value/);
    expect(
      Imputer.fromConfig(new Imputer().fit([[1], [NaN], [3]]).toJSON().config)
        .transform([[NaN]])
        .toArray(),
    ).toEqual([[2]]);
    expect(() => new Imputer({ strategy: 'mode' as never })).toThrow(
      /strategy must be one of mean, median, most_frequent, constant/,
    );
  });
});

describe('OneHotEncoder (vs sklearn, handle_unknown=ignore)', () => {
  it('learns sorted categories; unseen categories and missing cells are all zeros, unseen ones counted', () => {
    const rows = f.train.colors.map((c: string | null, i: number) => [c, f.train.sizes[i]]);
    const enc = new OneHotEncoder().fit(rows);
    expect(enc.categories).toEqual(f.onehot.categories);
    expect(enc.featureNames(['color', 'size'])).toEqual(f.onehot.names);
    close(enc.transform(f.test.categories), f.onehot.test);
    expect(enc.unknownCount).toBe(2); // purple, XXL
  });

  it('numbers are categories by value, sorted numerically', () => {
    const enc = new OneHotEncoder().fit(new Matrix(4, 1, Float32Array.of(10, 2, 2, 0.5)));
    expect(enc.categories).toEqual([['0.5', '2', '10']]);
    expect(enc.transform([[2], [3]]).toArray()).toEqual([
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });
});

describe('Preprocessor (vs sklearn ColumnTransformer: mean imputer + scaler, most-frequent imputer + one-hot)', () => {
  it('transforms training and new rows as sklearn does', () => {
    const p = new Preprocessor().fit(trainRows(), ['a', 'b', 'c', 'color', 'size']);
    close(p.transform(trainRows()), f.pipeline.train);
    close(p.transform(testRows()), f.pipeline.test);
    expect(p.unseen).toEqual([0, 0, 0, 1, 1]);
    expect(p.featureNames).toEqual([
      'a',
      'b',
      'c',
      'color_blue',
      'color_green',
      'color_red',
      'size_L',
      'size_M',
      'size_S',
      'size_XL',
    ]);
  });

  it('reads readCsv tables whose category codes differ from the training file, and rows as objects', () => {
    const train = parseCsv('n,color\n1,red\n,blue\n3,red\n', { missing: true, categorical: true });
    const p = new Preprocessor().fit(train);
    const other = parseCsv('n,color\n2,blue\n4,pink\nNA,\n', { missing: true, categorical: true });
    const a = p.transform(other);
    const b = p.transform([{ n: 2, color: 'blue' }, { n: 4, color: 'pink' }, { n: null }]);
    expect(a.toArray()).toEqual(b.toArray());
    // n: mean 2, std 1 (train 1, 2 (imputed), 3 -> std sqrt(2/3)); color: blue, red; missing -> red (most frequent)
    const s = Math.sqrt(2 / 3);
    close(a, [
      [0, 1, 0],
      [2 / s, 0, 0],
      [0, 0, 1],
    ]);
    expect(p.unseen).toEqual([0, 1]);
    expect(() => p.transform([[1, 'red', 3]])).toThrow(/has 3 columns but the preprocessing takes 2 \(n, color\)/);
    expect(() => p.transform(parseCsv('n,color\nx,red\n', { categorical: true }))).toThrow(
      /column 0 \("n"\) holds text/,
    );
  });

  it('a model with a Preprocessor predicts on raw rows, saves it and loads it back', async () => {
    const p = new Preprocessor({ categorical: ['c'] }).fit(trainRows(), ['a', 'b', 'c', 'color', 'size']);
    expect(p.nFeatures).toBe(2 + 4 + 3 + 4); // c is one-hot now: 1, 2, 3, 5
    const model = new Sequential([new Dense(3, { inputDim: p.nFeatures, activation: 'tanh' }), new Dense(1)]);
    model.setPreprocessing(p);
    const raw = testRows();
    // the same network without preprocessing, fed the transformed rows
    const plain = new Sequential([new Dense(3, { inputDim: p.nFeatures, activation: 'tanh' }), new Dense(1)]);
    plain.setWeights(model.getWeights());
    const want = plain.predict(p.transform(raw)).toArray();
    expect(model.predict(raw).toArray()).toEqual(want);
    const loaded = await loadModel(model.toBuffer());
    expect(loaded.predict(raw).toArray()).toEqual(want);
    expect(loaded.preprocessing).toBeInstanceOf(Preprocessor);
    expect(() => model.predict([[1, 2]])).toThrow(/predict: x has 2 columns but the preprocessing takes 5/);
  });
});

describe('one-hot rows too wide to hold', () => {
  // 40,000 rows of which "zip" holds 20,000 names: 3.0 GiB of one-hot rows (the CLI refused it; the API
  // allocated until the system ran out of memory).
  const rows = 40_000;
  const zips = Array.from({ length: 20_000 }, (_, k) => `z${k}`);
  const x = new Matrix(
    rows,
    2,
    Float32Array.from({ length: rows * 2 }, (_, i) => (i % 2 ? (i >> 1) % 20_000 : i)),
  );
  const table = { x, categories: [null, zips], featureNames: ['area', 'zip'] };

  it('Preprocessor.fit names the column, the width and the size, and stays unfitted', () => {
    const p = new Preprocessor();
    expect(() => p.fit(table)).toThrow(
      new RangeError(
        'Preprocessor.fit: one-hot encoding "zip" (20000 categories) makes each of the 40000 rows 20001 numbers ' +
          'wide, 3.0 GiB; leave "zip" out of the table, or group its rare categories',
      ),
    );
    expect(p.fitted).toBe(false);
    // a table that fits is still taken: 10,000 rows x 20,001 is 0.7 GiB
    const small = { ...table, x: new Matrix(10_000, 2, x.data.slice(0, 20_000)) };
    expect(new Preprocessor({ scale: false }).fit(small).nFeatures).toBe(1 + 10_000);
  });

  it('OneHotEncoder.fit too', () => {
    expect(() => new OneHotEncoder().fit({ ...table, categories: [zips, zips] })).toThrow(
      // area's codes 0, 2, 4, ... name 10,000 of the list's names
      'OneHotEncoder.fit: "zip" (20000 categories), "area" (10000 categories) makes each of the 40000 rows 30000 ' +
        'numbers wide, 4.5 GiB; leave "zip" out, or group its rare categories',
    );
  });
});
