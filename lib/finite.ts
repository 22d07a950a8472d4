// One check for NaN/Infinity in user data: a native scan at memory speed, then an error naming the cell.
import { native } from './native.js';

/** Throws a RangeError naming the first NaN/±Infinity in `data` (row-major, `cols` wide) by row and column. */
export function checkFinite(data: Float32Array, cols: number, what: string): void {
  const i = native.firstNonFinite(data);
  if (i < 0) return;
  const row = Math.floor(i / cols),
    col = i % cols;
  const at = cols === 1 ? `[${i}]` : `[${row}][${col}]`;
  throw new RangeError(`${what}${at} (row ${row}, column ${col}) is ${data[i]}; inputs must be finite numbers`);
}
