// Weight values between the engine's flat Float32Arrays and what users pass and get: Matrix for kernels,
// Float32Array for biases; number[][] / number[] accepted, shapes and finiteness checked. And the classes
// of a block of outputs.
import { Matrix, describe, intact } from '../matrix.js';

/** A named weight array (Keras's `model.weights`): 'dense/kernel', 'dense/bias', ... */
export interface WeightInfo {
  name: string;
  shape: number[];
  value: Matrix | Float32Array;
}

export type WeightValue = Matrix | Float32Array | number[][] | number[];

export function asValue(w: Float32Array, shape: number[]): Matrix | Float32Array {
  return shape.length === 2 ? new Matrix(shape[0]!, shape[1]!, w) : w;
}

export function toWeight(v: unknown, shape: number[], what: string): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const want = shape.length === 2 ? `${shape[0]}x${shape[1]}` : `${shape[0]} values`;
  let out: Float32Array;
  if (v instanceof Matrix) {
    intact(v, what);
    if (shape.length !== 2 || v.rows !== shape[0] || v.cols !== shape[1])
      throw new RangeError(`${what} must be ${want}, got a ${v.rows}x${v.cols} Matrix`);
    out = v.data;
  } else if (v instanceof Float32Array) {
    if (v.length !== size) throw new RangeError(`${what} must be ${want} (${size} values), got ${v.length} values`);
    out = v;
  } else if (Array.isArray(v) && shape.length === 2 && v.every(Array.isArray)) {
    const m = Matrix.from(v as number[][], what);
    if (m.rows !== shape[0] || m.cols !== shape[1])
      throw new RangeError(`${what} must be ${want}, got ${m.rows}x${m.cols}`);
    out = m.data;
  } else if (Array.isArray(v) && shape.length === 1 && v.every((e) => typeof e === 'number')) {
    if (v.length !== size) throw new RangeError(`${what} must be ${want}, got ${v.length} values`);
    out = Float32Array.from(v as number[]);
  } else
    throw new TypeError(
      `${what} must be ${shape.length === 2 ? 'a Matrix or number[][]' : 'a Float32Array or number[]'} of ${want}, got ${describe(v)}`,
    );
  for (let i = 0; i < out.length; i++)
    if (!Number.isFinite(out[i])) throw new RangeError(`${what}: value ${i} is ${out[i]}; weights must be finite`);
  return out;
}

/** Class per row: argmax of the outputs, or output > threshold for a one-unit output (Keras 2's predict_classes). */
export function classesOf(p: Matrix, threshold = 0.5): Int32Array {
  const out = new Int32Array(p.rows);
  const d = p.data;
  if (p.cols === 1) {
    for (let i = 0; i < p.rows; i++) out[i] = d[i]! > threshold ? 1 : 0;
    return out;
  }
  for (let i = 0, o = 0; i < p.rows; i++, o += p.cols) {
    let best = 0;
    for (let j = 1; j < p.cols; j++) if (d[o + j]! > d[o + best]!) best = j;
    out[i] = best;
  }
  return out;
}
