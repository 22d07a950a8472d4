// Argument checks and conversions shared by the explainers: rows as Matrix, predictions as Matrix,
// a seeded generator. Messages name the function, the argument and the shapes involved.
import { Matrix, describe, intact } from '../matrix.js';
import { given } from '../names.js';

export type MatrixLike = Matrix | ArrayLike<ArrayLike<number>>;

/** A Matrix as is (no copy), or a copy of number[][]; every value must be finite. */
export function toMatrix(v: MatrixLike, what: string): Matrix {
  let m: Matrix;
  if (v instanceof Matrix) m = intact(v, what);
  else if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<unknown>).length === 'number')
    m = Matrix.from(v, what);
  else throw new TypeError(`${what} must be a Matrix or an array of rows, got ${describe(v)}`);
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) {
      const r = Math.floor(i / m.cols);
      throw new RangeError(`${what} has a non-finite value (${d[i]}) at row ${r}, column ${i - r * m.cols}`);
    }
  }
  return m;
}

export function checkWidth(m: Matrix, features: number, what: string, expectedFrom: string): void {
  if (m.cols !== features)
    throw new RangeError(`${what} has ${m.cols} columns but ${expectedFrom} has ${features} features`);
}

export function checkNonEmpty(m: Matrix, what: string): void {
  if (m.rows === 0) throw new RangeError(`${what} is empty: it needs at least one row`);
}

/** Predictions in any of the forms a predict function may return, as rows x outputs. */
export function toPredictions(p: unknown, rows: number, what: string): Matrix {
  let m: Matrix;
  if (p instanceof Matrix) m = intact(p, what);
  else if (
    p instanceof Float32Array ||
    p instanceof Float64Array ||
    (Array.isArray(p) && (p.length === 0 || typeof p[0] === 'number'))
  )
    m = new Matrix((p as ArrayLike<number>).length, 1, Float32Array.from(p as ArrayLike<number>));
  else if (Array.isArray(p)) m = Matrix.from(p as number[][], what);
  else throw new TypeError(`${what} must return a Matrix, a number[][] or one number per row, got ${describe(p)}`);
  if (m.rows !== rows) throw new RangeError(`${what} returned ${m.rows} rows for ${rows} input rows`);
  return m;
}

export function checkPositiveInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be an integer >= 1, got ${given(v)}`);
}
