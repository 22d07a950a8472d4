import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datasets } from '../lib/index.js';

describe('datasets.linear', () => {
  it('is seeded: the same seed gives the same points, another seed other points', () => {
    const a = datasets.linear(50, { seed: 7 });
    expect(datasets.linear(50, { seed: 7 }).x.data).toEqual(a.x.data);
    expect(datasets.linear(50, { seed: 8 }).x.data).not.toEqual(a.x.data);
    expect(datasets.linear(50).x.data).toEqual(datasets.linear(50, { seed: 42 }).x.data);
  });

  it('puts points in [0, 100]² labelled 1 exactly where x + y ≥ 100', () => {
    const d = datasets.linear(1000, { seed: 1 });
    expect(d.x.shape).toEqual([1000, 2]);
    expect(d.y).toBeInstanceOf(Int32Array);
    let ones = 0;
    for (let i = 0; i < 1000; i++) {
      const [a, b] = [d.x.get(i, 0), d.x.get(i, 1)];
      expect(a >= 0 && a <= 100 && b >= 0 && b <= 100).toBe(true);
      expect(d.y[i]).toBe(a + b >= 100 ? 1 : 0);
      ones += d.y[i]!;
    }
    expect(ones).toBeGreaterThan(420); // half the square lies on each side
    expect(ones).toBeLessThan(580);
    expect(d.classNames).toEqual(['x + y < 100', 'x + y ≥ 100']);
    expect(d.featureNames).toEqual(['x', 'y']);
  });

  it('rejects a bad count', () => {
    expect(() => datasets.linear(0)).toThrow(/datasets\.linear\(n\): n must be a positive integer, got 0/);
    expect(() => datasets.circle(2.5)).toThrow(/got 2\.5/);
    expect(() => datasets.linear(5, { seed: -1 })).toThrow(/seed must be a non-negative integer, got -1/);
  });
});

describe('datasets.circle', () => {
  it('labels points in [-1.5, 1.5]² by x² + y² < 1 (about π/9 of them inside)', () => {
    const d = datasets.circle(2000, { seed: 5 });
    let inside = 0;
    for (let i = 0; i < 2000; i++) {
      const [a, b] = [d.x.get(i, 0), d.x.get(i, 1)];
      expect(Math.abs(a) <= 1.5 && Math.abs(b) <= 1.5).toBe(true);
      expect(d.y[i]).toBe(a * a + b * b < 1 ? 1 : 0);
      inside += d.y[i]!;
    }
    expect(inside / 2000).toBeCloseTo(Math.PI / 9, 1);
    expect(d.classNames).toEqual(['outside', 'inside']);
    expect(datasets.circle(30, { seed: 5 }).x.data).toEqual(datasets.circle(30, { seed: 5 }).x.data);
  });
});

describe('datasets.iris', () => {
  it('loads Fisher’s 150 flowers, 50 per species, as in the shipped CSV', () => {
    const d = datasets.iris();
    expect(d.x.shape).toEqual([150, 4]);
    expect(d.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([0, 1, 2].map((c) => d.y.filter((v) => v === c).length)).toEqual([50, 50, 50]);
    expect(Array.from(d.x.row(0))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect(d.y[0]).toBe(0);
    expect(Array.from(d.x.row(149))).toEqual([5.9, 3.0, 5.1, 1.8].map(Math.fround));
    expect(d.y[149]).toBe(2);
    // The summary statistics scikit-learn documents for this copy: mean petal length 3.76 cm.
    let sum = 0;
    for (let i = 0; i < 150; i++) sum += d.x.get(i, 2);
    expect(sum / 150).toBeCloseTo(3.758, 3);
  });

  it('ships its source and licence beside the data', () => {
    const readme = readFileSync(new URL('../data/README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(/Fisher/);
    expect(readme).toMatch(/BSD-3-Clause/);
    expect(readme).toMatch(/CC BY 4\.0/);
  });
});
