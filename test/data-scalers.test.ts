import { describe, expect, it } from 'vitest';
import {
  Matrix,
  MinMaxScaler,
  StandardScaler,
  fromCategorical,
  scalerFromConfig,
  toCategorical,
} from '../lib/index.js';

const train = Matrix.from([
  [1, 10, 5],
  [2, 20, 5],
  [3, 30, 5],
  [6, 40, 5],
]);

describe('StandardScaler', () => {
  it('learns mean and population std per column; constant columns get std 1', () => {
    const s = new StandardScaler().fit(train);
    expect(Array.from(s.mean!)).toEqual([3, 25, 5]);
    // column 0: deviations -2,-1,0,3 → var 14/4; column 1: -15,-5,5,15 → var 500/4
    expect(s.std![0]).toBeCloseTo(Math.sqrt(3.5), 12);
    expect(s.std![1]).toBeCloseTo(Math.sqrt(125), 12);
    expect(s.std![2]).toBe(1);
    const t = s.transform(
      Matrix.from([
        [3, 25, 5],
        [6, 40, 7],
      ]),
    );
    expect(t.data[0]).toBe(0);
    expect(t.data[3]).toBeCloseTo(3 / Math.sqrt(3.5), 6);
    expect(t.data[4]).toBeCloseTo(15 / Math.sqrt(125), 6);
    expect(t.data[5]).toBe(2); // constant column: only centred
  });

  it('fitTransform gives columns with mean 0 and std 1; inverseTransform restores the input', () => {
    const s = new StandardScaler();
    const t = s.fitTransform(train.toArray());
    let m = 0;
    for (let i = 0; i < 4; i++) m += t.data[i * 3 + 1]!;
    expect(m).toBeCloseTo(0, 6);
    const back = s.inverseTransform(t);
    for (let k = 0; k < back.data.length; k++) expect(back.data[k]).toBeCloseTo(train.data[k]!, 5);
  });

  it('serializes to JSON and back with identical transforms', () => {
    const s = new StandardScaler().fit(train);
    const json = JSON.parse(JSON.stringify(s.toJSON()));
    expect(json.className).toBe('StandardScaler');
    const s2 = scalerFromConfig(json);
    expect(Array.from(s2.transform(train).data)).toEqual(Array.from(s.transform(train).data));
  });

  it('errors: transform before fit, wrong column count, NaN in training data, bad config', () => {
    expect(() => new StandardScaler().transform(train)).toThrow(/call fit\(xTrain\) first/);
    expect(() => new StandardScaler().fit(train).transform(new Matrix(1, 2))).toThrow(
      /x has 2 columns but the scaler was fitted on 3/,
    );
    expect(() => new StandardScaler().fit(new Matrix(1, 2, Float32Array.from([1, NaN])))).toThrow(
      /x\[0\]\[1\] \(row 0, column 1\) is NaN/,
    );
    expect(() => scalerFromConfig({ className: 'StandardScaler', config: { mean: [0], std: [0] } })).toThrow(
      /std must be > 0/,
    );
    expect(() => scalerFromConfig({ className: 'Robust', config: {} })).toThrow(/unknown scaler class "Robust"/);
  });
});

describe('scaling kernel', () => {
  it('transforms and inverts every element as float64 arithmetic rounded to float32 (the plain reference)', () => {
    const rows = 37,
      cols = 5;
    const x = new Matrix(
      rows,
      cols,
      Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i) * 100 + (i % 7)),
    );
    const s = new StandardScaler().fit(x);
    const mean = Array.from({ length: cols }, (_, j) => {
      let m = 0;
      for (let i = 0; i < rows; i++) m += x.get(i, j);
      return m / rows;
    });
    const t = s.transform(x);
    const back = s.inverseTransform(t);
    const cfg = s.toJSON().config as { mean: number[]; std: number[] };
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        expect(cfg.mean[j]).toBeCloseTo(mean[j]!, 10);
        expect(t.get(i, j)).toBe(Math.fround((x.get(i, j) - cfg.mean[j]!) / cfg.std[j]!));
        expect(back.get(i, j)).toBe(Math.fround(t.get(i, j) * cfg.std[j]! + cfg.mean[j]!));
      }
  });
});

describe('MinMaxScaler', () => {
  it('maps the training range onto [0, 1] or a featureRange; constant columns go to the low end', () => {
    const s = new MinMaxScaler().fit(train);
    expect(Array.from(s.dataMin!)).toEqual([1, 10, 5]);
    expect(Array.from(s.dataMax!)).toEqual([6, 40, 5]);
    expect(Array.from(s.transform(train).data)).toEqual(
      [0, 0, 0, 0.2, 1 / 3, 0, 0.4, 2 / 3, 0, 1, 1, 0].map(Math.fround),
    );
    const r = new MinMaxScaler({ featureRange: [-1, 1] }).fit(train);
    expect(Array.from(r.transform(Matrix.from([[1, 40, 5]])).data)).toEqual([-1, 1, -1]);
    const back = r.inverseTransform(r.transform(train));
    for (let k = 0; k < back.data.length; k++) expect(back.data[k]).toBeCloseTo(train.data[k]!, 5);
    expect(scalerFromConfig(JSON.parse(JSON.stringify(r.toJSON()))).transform(train).data).toEqual(
      r.transform(train).data,
    );
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(/low < high/);
  });
});

describe('toCategorical / fromCategorical', () => {
  it('one-hot encodes and inverts', () => {
    const m = toCategorical([2, 0, 1]);
    expect(m.shape).toEqual([3, 3]);
    expect(Array.from(m.data)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(toCategorical(Int32Array.from([1]), 4).toArray()).toEqual([[0, 1, 0, 0]]);
    expect(Array.from(fromCategorical(m))).toEqual([2, 0, 1]);
    expect(Array.from(fromCategorical([[0.2], [0.7]]))).toEqual([0, 1]);
    expect(() => toCategorical([0, 3], 3)).toThrow(/labels\[1\] is 3, outside 0..2/);
    expect(() => toCategorical([0, 1.5])).toThrow(/labels\[1\]/);
  });
});
