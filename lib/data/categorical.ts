// One-hot encoding and its inverse; the class-index reader the evaluation functions share.
import { Matrix, attached, describe, intact } from '../matrix.js';

/** Class indexes as the library accepts them: one integer per row. */
export type ClassIndexes = ArrayLike<number>;
/** Rows of scores (one-hot, probabilities) or a single column of probabilities. */
export type ClassScores = Matrix | ArrayLike<ArrayLike<number>>;

/**
 * One-hot encodes class indexes into an n x numClasses float32 Matrix (Keras `to_categorical`).
 * numClasses defaults to the largest label + 1.
 */
export function toCategorical(labels: ClassIndexes, numClasses?: number): Matrix {
  const idx = checkIndexes(labels, 'labels');
  let k = numClasses;
  if (k === undefined) {
    k = 0;
    for (let i = 0; i < idx.length; i++) if (idx[i]! >= k) k = idx[i]! + 1;
  } else if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`toCategorical: numClasses must be an integer >= 1, got ${k}`);
  }
  if (idx.length * k > 2 ** 31)
    throw new RangeError(
      `toCategorical: ${idx.length} labels x ${k} classes is ${idx.length * k} values, ` +
        'too many to allocate (at most 2^31)',
    );
  const out = new Matrix(idx.length, k);
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i]!;
    if (c >= k) throw new RangeError(`toCategorical: labels[${i}] is ${c}, outside 0..${k - 1} for numClasses ${k}`);
    out.data[i * k + c] = 1;
  }
  return out;
}

/**
 * The inverse of toCategorical, and how predictions become classes: the argmax of each row (first
 * maximum on ties), or for a single column, 1 when the value is > 0.5 (Keras 2 `predict_classes`).
 */
export function fromCategorical(scores: ClassScores): Int32Array {
  return classesFromScores(scores, 'scores');
}

/** Class indexes from either integer labels (1-D) or rows of scores (2-D). `name` is for errors. */
export function toClassIndexes(y: ClassIndexes | ClassScores, name: string): Int32Array {
  if (y instanceof Matrix) return classesFromScores(y, name);
  if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<unknown>).length !== 'number')
    throw new TypeError(
      `${name} must be class indexes (number[] or Int32Array) or rows of scores (Matrix or number[][]), got ${describe(y)}`,
    );
  const first = (y as ArrayLike<unknown>)[0];
  if (first !== undefined && typeof first === 'object')
    return classesFromScores(y as ArrayLike<ArrayLike<number>>, name);
  return checkIndexes(y as ArrayLike<number>, name);
}

function checkIndexes(labels: ClassIndexes, name: string): Int32Array {
  attached(labels, name);
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number')
    throw new TypeError(`${name} must be an array of class indexes, got ${describe(labels)}`);
  if (labels instanceof Int32Array) {
    for (let i = 0; i < labels.length; i++)
      if (labels[i]! < 0) throw new RangeError(`${name}[${i}] is ${labels[i]}; class indexes must be >= 0`);
    return labels;
  }
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff)
      throw new RangeError(
        `${name}[${i}] is ${describe(v)}; class indexes must be integers >= 0` +
          (typeof v === 'number' && v > 0 && v < 1 ? ' (pass probabilities as a Matrix or number[][])' : ''),
      );
    out[i] = v;
  }
  return out;
}

function classesFromScores(scores: ClassScores, name: string): Int32Array {
  const m = scores instanceof Matrix ? intact(scores, name) : Matrix.from(scores, name);
  const { rows, cols, data } = m;
  if (cols === 0 && rows > 0) throw new RangeError(`${name} has ${rows} rows but no columns`);
  const out = new Int32Array(rows);
  if (cols === 1) {
    for (let i = 0; i < rows; i++) out[i] = data[i]! > 0.5 ? 1 : 0;
    return out;
  }
  for (let i = 0, o = 0; i < rows; i++, o += cols) {
    let best = 0;
    let bestV = data[o]!;
    for (let j = 1; j < cols; j++) {
      const v = data[o + j]!;
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}
