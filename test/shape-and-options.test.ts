// A Matrix's shape cannot drift from its data, and layer options are checked when the layer is made.
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, Matrix, StandardScaler, confusionMatrix } from '../lib/index.js';

describe('Matrix shape', () => {
  it('rows, cols and data cannot be reassigned', () => {
    const x = new Matrix(2, 3, Float32Array.of(1, 2, 3, 4, 5, 6));
    expect(() => ((x as { rows: number }).rows = 1e9)).toThrow(TypeError);
    expect(() => ((x as { cols: number }).cols = 1)).toThrow(TypeError);
    expect(() => ((x as { data: Float32Array }).data = new Float32Array(1))).toThrow(TypeError);
    expect(x.shape).toEqual([2, 3]);
    // what a forged shape made loop for billions of iterations now sees the true one
    const s = new StandardScaler().fit(x);
    expect(Array.from(s.transform(x).data)).toEqual([-1, -1, -1, 1, 1, 1]);
    const scores = new Matrix(3, 2, Float32Array.of(0.9, 0.1, 0.2, 0.8, 0.7, 0.3));
    expect(confusionMatrix([0, 1, 1], scores)).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });
});

describe('layer options', () => {
  it('Dense refuses a useBias that is not a boolean', () => {
    expect(() => new Dense(3, { useBias: 'x' as never })).toThrow(
      new TypeError('Dense: useBias must be a boolean, got the string "x"'),
    );
    expect(() => new Dense(3, { useBias: 0 as never })).toThrow(/useBias must be a boolean, got number 0/);
    expect(new Dense(3, { useBias: false }).useBias).toBe(false);
  });

  it('Dropout refuses options that are not an object', () => {
    expect(() => new Dropout(0.5, null as never)).toThrow(
      new TypeError('Dropout: options must be an object, got null'),
    );
  });
});
