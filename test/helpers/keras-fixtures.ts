// The Keras fixtures (test/fixtures/keras, made by make_keras*_fixtures.py) and the closeness check their
// tests share.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Matrix } from '../../lib/index.js';

export const KERAS_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'keras');

/** A fixture file's bytes. */
export const fixture = (name: string) => new Uint8Array(readFileSync(join(KERAS_FIXTURES, name)));

/** `actual` has the shape of `want` and each value within `tol`, relative above 1 and absolute below. */
export function expectClose(actual: Matrix, want: number[][], tol = 1e-5) {
  expect([actual.rows, actual.cols]).toEqual([want.length, want[0]!.length]);
  want
    .flat()
    .forEach((v, i) => expect(Math.abs(actual.data[i]! - v)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v))));
}
