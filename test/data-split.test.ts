import { describe, expect, it } from 'vitest';
import { Matrix, trainTestSplit, trainValTestSplit } from '../lib/index.js';

function data(n: number, classOf: (i: number) => number) {
  const x = new Matrix(
    n,
    2,
    Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 ? -Math.floor(k / 2) : Math.floor(k / 2))),
  );
  const y = Int32Array.from({ length: n }, (_, i) => classOf(i));
  return { x, y };
}
const count = (y: Int32Array, c: number) => y.reduce((a, v) => a + (v === c ? 1 : 0), 0);

describe('trainValTestSplit', () => {
  it('60/20/20 sizes sum to n, rows stay paired with their targets, parts are disjoint', () => {
    const { x, y } = data(101, (i) => i % 3);
    const s = trainValTestSplit(x, y, { seed: 7 });
    expect([s.xTrain.rows, s.xVal.rows, s.xTest.rows]).toEqual([61, 20, 20]);
    const all = [...s.indices.train, ...s.indices.val, ...s.indices.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    s.indices.val.forEach((src, i) => {
      expect(s.xVal.data[2 * i]).toBe(src);
      expect(s.yVal[i]).toBe(src % 3);
    });
    expect(s.yTrain).toBeInstanceOf(Int32Array);
  });

  it('the same seed gives the same split; another seed another; shuffle: false keeps order', () => {
    const { x, y } = data(50, (i) => i % 2);
    const a = trainValTestSplit(x, y, { seed: 1 }).indices.test;
    expect(trainValTestSplit(x, y, { seed: 1 }).indices.test).toEqual(a);
    expect(trainValTestSplit(x, y, { seed: 2 }).indices.test).not.toEqual(a);
    const o = trainValTestSplit(x, y, { shuffle: false });
    expect(Array.from(o.indices.val)).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
  });

  it('stratify keeps class proportions in every part (exact where whole rows allow)', () => {
    // 200 rows: 140 of class 0, 40 of class 1, 20 of class 2.
    const { x, y } = data(200, (i) => (i < 140 ? 0 : i < 180 ? 1 : 2));
    const s = trainValTestSplit(x, y, { seed: 3, stratify: true });
    expect([s.yTrain.length, s.yVal.length, s.yTest.length]).toEqual([120, 40, 40]);
    expect([0, 1, 2].map((c) => count(s.yTrain, c))).toEqual([84, 24, 12]);
    expect([0, 1, 2].map((c) => count(s.yVal, c))).toEqual([28, 8, 4]);
    expect([0, 1, 2].map((c) => count(s.yTest, c))).toEqual([28, 8, 4]);
  });

  it('stratify with uneven counts still fills every part exactly and each class within one row', () => {
    const { x, y } = data(97, (i) => (i < 50 ? 0 : i < 83 ? 1 : 2));
    const s = trainValTestSplit(x, y, { seed: 5, stratify: true, train: 0.5, val: 0.3, test: 0.2 });
    expect([s.yTrain.length, s.yVal.length, s.yTest.length]).toEqual([49, 29, 19]); // 48.5, 29.1, 19.4 by largest remainder
    for (const [part, f] of [
      [s.yTrain, 0.5],
      [s.yVal, 0.3],
      [s.yTest, 0.2],
    ] as const)
      for (const [c, n] of [
        [0, 50],
        [1, 33],
        [2, 14],
      ])
        expect(Math.abs(count(part, c) - n * f)).toBeLessThanOrEqual(1);
  });

  it('rejects fractions that do not sum to 1 and mismatched rows', () => {
    const { x, y } = data(10, () => 0);
    expect(() => trainValTestSplit(x, y, { train: 0.7, val: 0.2, test: 0.2 })).toThrow(
      /must be 1, got 0.7 \+ 0.2 \+ 0.2/,
    );
    expect(() => trainValTestSplit(x, y.subarray(1))).toThrow(/x has 10 rows but y has 9/);
  });
});

describe('trainTestSplit', () => {
  it('rounds the test part up as sklearn does and keeps the target form (number[], Matrix)', () => {
    const x = Array.from({ length: 10 }, (_, i) => [i]);
    const y = Array.from({ length: 10 }, (_, i) => i * 10);
    const s = trainTestSplit(x, y, { testSize: 0.25, seed: 9 });
    expect([s.xTrain.length, s.xTest.length]).toEqual([7, 3]);
    s.xTest.forEach((row, i) => expect(s.yTest[i]).toBe(row[0]! * 10));
    const m = trainTestSplit(Matrix.from(x), Matrix.from(x), { testSize: 4, seed: 9 });
    expect(m.yTest).toBeInstanceOf(Matrix);
    expect(m.xTest.rows).toBe(4);
    expect(Array.from(m.xTest.data)).toEqual(Array.from(m.yTest.data));
  });

  it('stratifies by one-hot targets too', () => {
    const y = Array.from({ length: 40 }, (_, i) => (i < 30 ? [1, 0] : [0, 1]));
    const s = trainTestSplit(new Matrix(40, 1), y, { testSize: 0.5, stratify: true, seed: 1 });
    expect(s.yTest.filter((r) => r[1] === 1).length).toBe(5);
    expect(() => trainTestSplit(new Matrix(4, 1), [0, 1, 0, 1], { testSize: 1.5 })).toThrow(/testSize must be/);
  });
});
