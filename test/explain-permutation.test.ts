import { describe, expect, it } from 'vitest';
import { Matrix, permutationImportance } from '../lib/index.js';
import { randomMatrix, seeded } from './helpers/explain-nets.js';

describe('permutationImportance', () => {
  it('ranks a dominant feature first and an unused one last (mse)', () => {
    const r = seeded(1);
    const x = randomMatrix(200, 4, r);
    const w = Matrix.from([[3], [0.5], [0], [-1]]);
    const layers = [{ kernel: w, bias: Float32Array.of(0.1) }];
    const y = Array.from({ length: 200 }, (_, i) => 3 * x.get(i, 0) + 0.5 * x.get(i, 1) - x.get(i, 3) + 0.1);
    const res = permutationImportance(layers, x, y, { metric: 'mse', repeats: 4, seed: 7 });
    expect(res.metric).toBe('mean_squared_error');
    expect(res.baselineScore).toBeLessThan(1e-10);
    const order = res.importancesMean
      .map((v, j) => [v, j] as const)
      .sort((a, b) => b[0] - a[0])
      .map(([, j]) => j);
    expect(order).toEqual([0, 3, 1, 2]);
    expect(res.importancesMean[2]).toBe(0);
    expect(res.importancesStd[2]).toBe(0);
    expect(res.importances).toHaveLength(4);
    expect(res.importances[0]).toHaveLength(4);
    // shuffling x0 adds about 9 · 2 · var(x0) = 6 to the MSE for uniform [-1, 1] data
    expect(res.importancesMean[0]).toBeGreaterThan(4);
    expect(res.importancesMean[0]).toBeLessThan(8);
  });

  it('measures accuracy drops of a classifier, and is reproducible by seed', () => {
    const r = seeded(2);
    const x = randomMatrix(300, 3, r);
    const y = new Int32Array(300).map((_, i) => (x.get(i, 1) > 0 ? 1 : 0));
    // softmax over [0, 8·x1]: class 1 when x1 > 0; x0 and x2 unused
    const layers = [
      {
        kernel: Matrix.from([
          [0, 0],
          [0, 8],
          [0, 0],
        ]),
        activation: 'softmax',
      },
    ];
    const a = permutationImportance(layers, x, y, { repeats: 3, seed: 5 });
    expect(a.metric).toBe('accuracy');
    expect(a.baselineScore).toBe(1);
    expect(a.importancesMean[1]).toBeGreaterThan(0.3);
    expect(a.importancesMean[0]).toBe(0);
    expect(a.importancesMean[2]).toBe(0);
    expect(permutationImportance(layers, x, y, { repeats: 3, seed: 5 })).toEqual(a);
    expect(permutationImportance(layers, x, y, { repeats: 3, seed: 6 }).importances[1]).not.toEqual(a.importances[1]);
  });

  it('takes a metric function, higher is better unless told otherwise', () => {
    const r = seeded(3);
    const x = randomMatrix(50, 2, r);
    const y = Array.from({ length: 50 }, (_, i) => x.get(i, 0));
    const predict = (m: Matrix) => Array.from({ length: m.rows }, (_, i) => m.get(i, 0));
    const negMse = (t: Matrix, p: Matrix) => -p.data.reduce((s, v, i) => s + (v - t.data[i]!) ** 2, 0) / p.rows;
    const a = permutationImportance(predict, x, y, { metric: negMse, repeats: 2 });
    const b = permutationImportance(predict, x, y, { metric: 'mse', repeats: 2 });
    expect(a.importancesMean[0]).toBeCloseTo(b.importancesMean[0]!, 5);
    expect(a.importancesMean[0]).toBeGreaterThan(0.1);
  });

  it('rejects bad input with clear errors', () => {
    const r = seeded(4);
    const x = randomMatrix(10, 2, r);
    const layers = [{ kernel: randomMatrix(2, 1, r) }];
    expect(() => permutationImportance(layers, x, new Float32Array(9))).toThrow(/x has 10 rows but y has 9/);
    expect(() => permutationImportance(layers, x, new Float32Array(10), { metric: 'f1' })).toThrow(
      /unknown metric "f1"; valid: accuracy/,
    );
    expect(() => permutationImportance(layers, x, new Float32Array(10), { repeats: 0 })).toThrow(
      /repeats must be an integer >= 1/,
    );
    expect(() => permutationImportance(layers, new Matrix(0, 2), [])).toThrow(/x is empty/);
    expect(() => permutationImportance(layers, randomMatrix(10, 3, r), new Float32Array(10))).toThrow(
      /permutationImportance: x has 3 columns but the model has 2 features/,
    );
  });
});
