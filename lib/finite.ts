// One check for NaN/Infinity in user data: a native scan at memory speed, then an error naming the cell.
import { native } from './native.js';

/** Throws a RangeError naming the first NaN/±Infinity in `data` (row-major, `cols` wide) by row and column. */
export function checkFinite(data: Float32Array, cols: number, what: string): void {
  const i = native.firstNonFinite(data);
  if (i >= 0) throw nonFiniteError(data, cols, i, what);
}

/** checkFinite in steps of 8 MiB with the event loop running between them (a training set of 188 MB took 20 ms). */
export async function checkFiniteInSteps(data: Float32Array, cols: number, what: string, firstRow = 0): Promise<void> {
  const step = 1 << 21;
  for (let at = 0; at < data.length; at += step) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const i = native.firstNonFinite(data.subarray(at, at + step));
    if (i >= 0) throw nonFiniteError(data, cols, at + i, what, firstRow);
  }
}

/**
 * The error for the NaN/±Infinity at data[i] (found by checkFinite, the native predict or a FitData copy);
 * `firstRow`: the row of the caller's array that data starts at (a validationSplit's rows).
 */
export function nonFiniteError(data: Float32Array, cols: number, i: number, what: string, firstRow = 0): RangeError {
  const row = Math.floor(i / cols) + firstRow,
    col = i % cols;
  const at = cols === 1 ? `[${row}]` : `[${row}][${col}]`;
  return new RangeError(`${what}${at} (row ${row}, column ${col}) is ${data[i]}; inputs must be finite numbers`);
}
