import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Matrix, backendInfo, matmul, setNumThreads } from '../lib/index.js';
import { native } from '../lib/native.js';

describe('backend', () => {
  it('reports an ISA this CPU supports, thread count and version', () => {
    const info = backendInfo();
    expect(info.supportedIsas).toContain(info.isa);
    expect(info.supportedIsas).toContain('scalar');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('multiplies a hand-computed 2x3 by 3x2', () => {
    const a = Matrix.from([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = Matrix.from([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(matmul(a, b).toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(matmul(b, a, { transposeA: true, transposeB: true }).toArray()).toEqual([
      [58, 139],
      [64, 154],
    ]);
  });

  it('rejects mismatched inner dimensions naming both shapes', () => {
    expect(() => matmul(new Matrix(2, 3), new Matrix(2, 3))).toThrow(/op\(a\) is 2x3.*op\(b\) is 2x3/);
  });
});

describe('firstNonFinite', () => {
  it('finds the first NaN/±Infinity wherever it sits relative to the scan blocks, and -1 when there is none', () => {
    const n = 3 * 4096 + 13;
    const x = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) - 500);
    x[10] = 3.4e38;
    x[11] = 1e-45; // largest and smallest magnitudes are finite
    expect(native.firstNonFinite(x)).toBe(-1);
    expect(native.firstNonFinite(new Float32Array(0))).toBe(-1);
    for (const [at, v] of [
      [0, NaN],
      [4095, Infinity],
      [4096, -Infinity],
      [n - 1, NaN],
      [8200, NaN],
    ] as const) {
      const y = x.slice();
      y[at] = v;
      if (at === 8200) y[n - 1] = Infinity; // the first one is reported
      expect(native.firstNonFinite(y)).toBe(at);
    }
    expect(native.firstNonFinite(x.subarray(4096))).toBe(-1); // views are scanned from their own start
  });
});

describe('thread pool size', () => {
  const osThreads = () => readdirSync('/proc/self/task').length;

  it.runIf(process.platform === 'linux')('caps threads at 4x the cores and ends pool threads when lowered', () => {
    const initial = backendInfo().threads;
    const product = () => matmul(new Matrix(96, 96), new Matrix(96, 96));
    try {
      setNumThreads(1);
      const base = osThreads();
      setNumThreads(100_000);
      const cap = 4 * cpus().length;
      expect(backendInfo().threads).toBe(cap);
      setNumThreads(2 ** 40); // any count above the cap is the cap
      expect(backendInfo().threads).toBe(cap);
      expect(() => setNumThreads(1e20)).toThrow(
        'setNumThreads: n must be an integer from 1 to 2^53 - 1, the largest integer counted exactly, got 100000000000000000000',
      );
      product(); // starts the pool's workers: one thread fewer than the count (the caller works too)
      expect(osThreads() - base).toBe(cap - 1);
      setNumThreads(2);
      expect(backendInfo().threads).toBe(2);
      expect(osThreads() - base).toBe(1);
      product();
      setNumThreads(1);
      expect(osThreads()).toBe(base);
    } finally {
      setNumThreads(initial);
    }
  });
});
