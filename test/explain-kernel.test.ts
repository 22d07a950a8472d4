import { describe, expect, it } from 'vitest';
import { KernelExplainer, Matrix, exactShapleyValues } from '../lib/index.js';
import { randomMatrix, seeded } from './helpers/explain-nets.js';

// A model with interactions and two outputs, in plain JS: one predict call per batch.
function makeModel() {
  const calls: number[] = [];
  const f = (r: Float32Array, o: number) =>
    o === 0
      ? Math.tanh(r[0]! * r[1]! + 0.5 * r[2]!) + r[3]! ** 2 * 0.3 - (r.length > 4 ? r[4]! * r[5]! : 0)
      : Math.max(0, r[0]! - r[r.length - 1]!) + 0.2 * r[1]!;
  const predict = (x: Matrix) => {
    calls.push(x.rows);
    const out = new Matrix(x.rows, 2);
    for (let i = 0; i < x.rows; i++) for (let o = 0; o < 2; o++) out.set(i, o, f(x.row(i), o));
    return out;
  };
  return { predict, calls, f };
}

// Brute-force Shapley values: φ_j = Σ_{S ∌ j} |S|!(M−|S|−1)!/M! · (v(S ∪ j) − v(S)), with
// v(S) = mean over the background of f(x_S, b_rest), written out row by row.
function bruteForce(f: (r: Float32Array, o: number) => number, x: Float32Array, bg: Matrix, o: number): number[] {
  const M = x.length;
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const v = (S: number) => {
    let s = 0;
    for (let b = 0; b < bg.rows; b++) {
      const z = Float32Array.from(bg.row(b));
      for (let j = 0; j < M; j++) if (S & (1 << j)) z[j] = x[j]!;
      s += Math.fround(f(z, o));
    }
    return s / bg.rows;
  };
  return Array.from({ length: M }, (_, j) => {
    let phi = 0;
    for (let S = 0; S < 1 << M; S++) {
      if (S & (1 << j)) continue;
      let size = 0;
      for (let t = 0; t < M; t++) if (S & (1 << t)) size++;
      phi += ((fact(size) * fact(M - size - 1)) / fact(M)) * (v(S | (1 << j)) - v(S));
    }
    return phi;
  });
}

describe('KernelExplainer', () => {
  it.each([[4], [6], [8]])('equals brute-force Shapley values with %i features', (M) => {
    const { predict, f } = makeModel();
    const r = seeded(M);
    const bg = randomMatrix(7, M, r, 2);
    const x = randomMatrix(3, M, r, 2);
    const e = new KernelExplainer(predict, bg);
    const phi = e.shapValues(x);
    const exact = exactShapleyValues(predict, x, bg);
    for (let o = 0; o < 2; o++)
      for (let i = 0; i < 3; i++) {
        const ref = bruteForce(f, x.row(i), bg, o);
        for (let j = 0; j < M; j++) {
          expect(phi[o]!.get(i, j)).toBeCloseTo(ref[j]!, 4);
          expect(exact[o]!.get(i, j)).toBeCloseTo(ref[j]!, 4);
        }
      }
  });

  it('satisfies local accuracy on every row when sampling coalitions', () => {
    const { predict } = makeModel();
    const r = seeded(20);
    const bg = randomMatrix(10, 16, r);
    const x = randomMatrix(6, 16, r);
    const e = new KernelExplainer(predict, bg);
    const phi = e.shapValues(x, { nSamples: 300, seed: 1 });
    const fx = predict(x);
    for (let o = 0; o < 2; o++)
      for (let i = 0; i < 6; i++) {
        let s = e.expectedValue[o]!;
        for (let j = 0; j < 16; j++) s += phi[o]!.get(i, j);
        expect(s).toBeCloseTo(fx.get(i, o), 4);
      }
  });

  it('approaches the exact Shapley values as nSamples grows (14 features, sampled)', () => {
    const M = 14;
    const f = (x: Matrix) =>
      Array.from({ length: x.rows }, (_, i) => {
        const v = x.row(i);
        let t = 0;
        for (let j = 0; j < M; j++) t += (j + 1) * 0.1 * v[j]!;
        return Math.tanh(t + 2 * v[0]! * v[1]! - v[5]! * v[6]!);
      });
    const r = seeded(25);
    const bg = randomMatrix(6, M, r);
    const x = randomMatrix(4, M, r);
    const exact = exactShapleyValues(f, x, bg)[0]!;
    const err = (n: number) => {
      const phi = new KernelExplainer(f, bg).shapValues(x, { nSamples: n, seed: 2 })[0]!;
      return Math.max(...phi.data.map((v, i) => Math.abs(v - exact.data[i]!)));
    };
    const coarse = err(300);
    const fine = err(4000);
    expect(fine).toBeLessThan(0.02);
    expect(fine).toBeLessThan(coarse);
  });

  it('gives a linear model w · (x − mean(background)), also when sampling', () => {
    const r = seeded(21);
    const w = randomMatrix(20, 1, r);
    const layers = [{ kernel: w, bias: Float32Array.of(0.25) }];
    const bg = randomMatrix(12, 20, r, 2);
    const x = randomMatrix(4, 20, r, 2);
    const phi = new KernelExplainer(layers, bg).shapValues(x, { nSamples: 400 })[0]!;
    for (let j = 0; j < 20; j++) {
      let mean = 0;
      for (let b = 0; b < bg.rows; b++) mean += bg.get(b, j) / bg.rows;
      for (let i = 0; i < 4; i++) expect(phi.get(i, j)).toBeCloseTo(w.get(j, 0) * (x.get(i, j) - mean), 4);
    }
  });

  it('batches coalitions into few large predict calls', () => {
    const { predict, calls } = makeModel();
    const r = seeded(22);
    const e = new KernelExplainer(predict, randomMatrix(10, 6, r));
    calls.length = 0;
    e.shapValues(randomMatrix(20, 6, r));
    // 20 rows x 62 coalitions x 10 background rows, plus one call for f(x)
    expect(calls.reduce((a, b) => a + b, 0)).toBe(20 + 20 * 62 * 10);
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('is reproducible for a seed and gives features equal to the background exactly 0', () => {
    const { predict } = makeModel();
    const r = seeded(23);
    const bg = randomMatrix(5, 15, r);
    const x = randomMatrix(2, 15, r);
    for (let b = 0; b < 5; b++) bg.set(b, 7, 0.5);
    x.set(0, 7, 0.5);
    const e = new KernelExplainer(predict, bg);
    const a = e.shapValues(x, { nSamples: 200, seed: 3 });
    const b = e.shapValues(x, { nSamples: 200, seed: 3 });
    const c = e.shapValues(x, { nSamples: 200, seed: 4 });
    expect(a[0]!.toArray()).toEqual(b[0]!.toArray());
    expect(a[0]!.toArray()).not.toEqual(c[0]!.toArray());
    expect(a[0]!.get(0, 7)).toBe(0);
    expect(a[1]!.get(0, 7)).toBe(0);
  });

  it('rejects bad input with clear errors', () => {
    const { predict } = makeModel();
    const r = seeded(24);
    expect(() => new KernelExplainer(predict, new Matrix(0, 3))).toThrow(/background is empty/);
    const e = new KernelExplainer(predict, randomMatrix(4, 5, r));
    expect(() => e.shapValues(randomMatrix(2, 4, r))).toThrow(/x has 4 columns but the background has 5 features/);
    expect(() => e.shapValues(randomMatrix(2, 5, r), { nSamples: 0 })).toThrow(/nSamples must be an integer >= 1/);
    // 30 features: 2^30 coalitions of 30-byte masks (was 'Invalid typed array length: 32212254660'); 5 features
    // with any nSamples enumerate their 32 coalitions.
    const wide = new KernelExplainer((x) => new Matrix(x.rows, 1), new Matrix(2, 30));
    expect(() => wide.shapValues(new Matrix(1, 30), { nSamples: 2 ** 40 })).toThrow(
      'KernelExplainer.shapValues: nSamples 1099511627776: 1073741824 coalitions of 30 features need 32212254720 bytes of masks, more than an array holds (2^31); lower nSamples',
    );
    expect(e.shapValues(randomMatrix(1, 5, r), { nSamples: 1e20 })[0]!.cols).toBe(5);
    expect(() => new KernelExplainer(() => 'nope', randomMatrix(4, 5, r))).toThrow(
      /predict function must return a Matrix/,
    );
    expect(() => new KernelExplainer(() => new Matrix(1, 1), randomMatrix(4, 5, r))).toThrow(
      /returned 1 rows for 4 input rows/,
    );
    expect(() => new KernelExplainer(42 as never, randomMatrix(4, 5, r))).toThrow(/model must be a predict function/);
  });
});
