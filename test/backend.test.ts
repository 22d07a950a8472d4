import { describe, expect, it } from 'vitest';
import { Matrix, backendInfo, matmul } from '../lib/index.js';

describe('backend', () => {
  it('reports an ISA this CPU supports, thread count and version', () => {
    const info = backendInfo();
    expect(info.supportedIsas).toContain(info.isa);
    expect(info.supportedIsas).toContain('scalar');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('multiplies a hand-computed 2x3 by 3x2', () => {
    const a = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    const b = Matrix.from([[7, 8], [9, 10], [11, 12]]);
    expect(matmul(a, b).toArray()).toEqual([[58, 64], [139, 154]]);
    expect(matmul(b, a, { transposeA: true, transposeB: true }).toArray()).toEqual([[58, 139], [64, 154]]);
  });

  it('rejects mismatched inner dimensions naming both shapes', () => {
    expect(() => matmul(new Matrix(2, 3), new Matrix(2, 3))).toThrow(/op\(a\) is 2x3.*op\(b\) is 2x3/);
  });
});
