import type { Matrix } from '../matrix.js';
import { given } from '../names.js';

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

/** The generators' seed: 42 unless given (the same points every run), a non-negative integer. */
export function checkSeed(seed: number | undefined): number {
  if (seed === undefined) return 42;
  if (!Number.isInteger(seed) || seed < 0)
    throw new RangeError(`datasets: seed must be a non-negative integer, got ${seed}`);
  return seed;
}

/** Points a generator makes at most (2^26: 512 MiB of 2-D points; 2^31 aborted on the allocation). */
const MAX_POINTS = 2 ** 26;

export function checkCount(n: number, fn: string): void {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`datasets.${fn}(n): n must be a positive integer, got ${given(n)}`);
  if (n > MAX_POINTS) throw new RangeError(`datasets.${fn}(n): n must be at most ${MAX_POINTS}, got ${given(n)}`);
}
