import type { Matrix } from '../matrix.js';

/** A labelled data set: features row by row, class indexes, and the names of both. */
export interface Dataset {
  x: Matrix;
  /** Class index of each row (0 … classNames.length - 1). */
  y: Int32Array;
  featureNames: string[];
  classNames: string[];
}

export interface GeneratorOptions {
  /** Same seed, same points (default 42). */
  seed?: number;
}

export function checkCount(n: number, fn: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`datasets.${fn}(n): n must be a positive integer, got ${n}`);
}
