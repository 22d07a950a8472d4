// Turns user data (Matrix, number[][], number[], typed arrays) into the engine's DataSpec, checking
// shapes, class indexes and finite values once per call, with errors that name the argument, what
// was expected and what was found. Float32Array-backed inputs pass through without copies.
import type { DataSpec } from '../engine/contract.js';
import type { LossName } from '../engine/ids.js';
import { checkFinite } from '../finite.js';
import { Matrix, attached, describe, intact } from '../matrix.js';
import type { TableInput } from '../data/table.js';

/** Numbers; or, for a model with a Preprocessor, raw rows (strings, nulls; objects keyed by column) or a readCsv table. */
export type Inputs = Matrix | number[][] | TableInput;
export type Targets = Matrix | number[][] | number[] | Int32Array | Float32Array;
export type Weights = number[] | Float32Array;

/** What the targets must match: the last layer's width and name, and the loss. */
export interface TargetSpec {
  units: number;
  layerName: string;
  loss: LossName;
}

/**
 * x as a Matrix of `inputDim` columns. `what` prefixes errors ('fit: x'). checkValues: x must have rows, and
 * finite values unless `finite` is false (the caller checks them).
 */
export function toInputs(
  x: unknown,
  inputDim: number,
  what: string,
  checkValues: boolean,
  finite = checkValues,
): Matrix {
  const m = toMatrix(x, what);
  if (checkValues && m.rows === 0) throw new RangeError(`${what} is empty (0 rows); it needs at least one row`);
  if (m.cols !== inputDim)
    throw new RangeError(
      `${what} has ${m.cols} columns per row, but the model's input is ${inputDim} wide (first layer inputDim)`,
    );
  if (finite) checkFinite(m.data, m.cols, what);
  return m;
}

/**
 * Targets in the engine's layout: rows x units floats, or one class index per row (Int32Array) for sparse
 * categorical crossentropy, and for categorical crossentropy given class indexes (the native copy of the
 * data one-hot encodes them: no rows x units array here). A 1-D array for a one-unit output is its column.
 */
export function toTargets(y: unknown, rows: number, spec: TargetSpec, what: string): Float32Array | Int32Array {
  const { units, layerName, loss } = spec;
  attached(y, what);
  const last = `the last layer '${layerName}' outputs ${units} value${units === 1 ? '' : 's'} per row`;
  const oneD = isVector(y);
  const len = oneD ? (y as ArrayLike<number>).length : toMatrixRows(y, what);
  if (len !== rows)
    throw new RangeError(`${what} has ${len} rows but x has ${rows}; they must have one row per sample`);
  if (loss === 'sparse_categorical_crossentropy' || (loss === 'categorical_crossentropy' && units > 1 && oneD)) {
    let values: ArrayLike<number>;
    if (oneD) values = y as ArrayLike<number>;
    else {
      const m = toMatrix(y, what);
      if (m.cols !== 1)
        throw new RangeError(
          `${what} has ${m.cols} columns, but loss '${loss}' takes one class index per row (a number[] or Int32Array)`,
        );
      values = m.data;
    }
    return toClassIndexes(values, units, what, last);
  }
  if (oneD) {
    if (units !== 1)
      throw new RangeError(
        `${what} is a 1-D array, but ${last} and loss '${loss}' needs ${units} target columns per row`,
      );
    const col = y instanceof Float32Array ? y : Float32Array.from(y as ArrayLike<number>);
    checkFinite(col, 1, what);
    return col;
  }
  const m = toMatrix(y, what);
  if (m.cols !== units) {
    const hint =
      loss === 'categorical_crossentropy' && m.cols === 1
        ? '; for class indexes pass a 1-D array (number[] / Int32Array) or use sparse_categorical_crossentropy'
        : '';
    throw new RangeError(`${what} has ${m.cols} columns per row, but ${last} (loss '${loss}')${hint}`);
  }
  checkFinite(m.data, m.cols, what);
  return m.data;
}

/** One non-negative finite weight per row, or null. */
export function toSampleWeight(w: unknown, rows: number, what: string): Float32Array | null {
  if (w === undefined || w === null) return null;
  attached(w, what);
  if (!isVector(w))
    throw new TypeError(`${what} must be a number[] or Float32Array with one weight per row, got ${describe(w)}`);
  const out = w instanceof Float32Array ? w : Float32Array.from(w as ArrayLike<number>);
  if (out.length !== rows) throw new RangeError(`${what} has ${out.length} values but there are ${rows} rows`);
  for (let i = 0; i < out.length; i++)
    if (!(out[i]! >= 0 && out[i]! < Infinity))
      throw new RangeError(`${what}[${i}] must be a finite number >= 0, got ${out[i]}`);
  return out;
}

/** The class of target row i as Keras reads it: the index, the argmax, or round(y) for one output. */
export function classOf(y: Float32Array | Int32Array, units: number, i: number): number {
  if (y instanceof Int32Array) return y[i]!;
  if (units === 1) return Math.round(y[i]!);
  let cls = 0;
  for (let j = 1; j < units; j++) if (y[i * units + j]! > y[i * units + cls]!) cls = j;
  return cls;
}

/** Keras's class_weight → sample weights, by classOf each row. */
export function classWeightToSampleWeight(
  classWeight: Record<number, number>,
  y: Float32Array | Int32Array,
  units: number,
  what: string,
): Float32Array {
  const rows = y instanceof Int32Array ? y.length : y.length / units;
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const cls = classOf(y, units, i);
    const w = classWeight[cls];
    if (w === undefined)
      throw new RangeError(`${what} has no weight for class ${cls} (row ${i}); give one for every class`);
    if (!(w >= 0 && w < Infinity)) throw new RangeError(`${what}[${cls}] must be a finite number >= 0, got ${w}`);
    out[i] = w;
  }
  return out;
}

/** Rows [start, end) of a DataSpec, sharing memory. */
export function sliceData(d: DataSpec, cols: number, ycols: number, start: number, end: number): DataSpec {
  return {
    x: d.x.subarray(start * cols, end * cols),
    rows: end - start,
    y: d.y.subarray(start * ycols, end * ycols),
    sampleWeight: d.sampleWeight ? d.sampleWeight.subarray(start, end) : null,
  };
}

export function toMatrix(v: unknown, what: string): Matrix {
  if (v instanceof Matrix) return intact(v, what);
  if (!Array.isArray(v)) throw new TypeError(`${what} must be a Matrix or number[][], got ${describe(v)}`);
  return Matrix.from(v, what);
}

function toMatrixRows(v: unknown, what: string): number {
  if (v instanceof Matrix) return intact(v, what).rows;
  if (!Array.isArray(v))
    throw new TypeError(`${what} must be a Matrix, number[][], number[] or a typed array, got ${describe(v)}`);
  return v.length;
}

/** number[] or any typed array of numbers (uint8 class labels, as MNIST's, too; not BigInt ones). */
function isVector(v: unknown): boolean {
  if (ArrayBuffer.isView(v))
    return !(v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array);
  return Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number');
}

function toClassIndexes(values: ArrayLike<number>, units: number, what: string, last: string): Int32Array {
  const out = values instanceof Int32Array ? values : new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = values[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= units)
      throw new RangeError(
        `${what}[${i}] is ${describe(c).replace(/^number /, '')}, but class indexes must be integers in [0, ${units - 1}] (${last})`,
      );
    out[i] = c;
  }
  return out;
}
