// Train/validation/test splits by row, optionally stratified by class; rows are copied into new
// matrices (typed-array row copies).
import { Matrix, attached, describe, intact } from '../matrix.js';
import { toClassIndexes } from './categorical.js';
import { checkSeed, seededRandom, shuffleInPlace } from '../random.js';

/** Any typed array of numbers (a Uint8Array of labels as MNIST ships them), as fit takes. */
type NumberArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;
/** Targets the splits accept; each part comes back in the same form. */
export type SplitTargets = Matrix | NumberArray | number[] | number[][];
export type SplitFeatures = Matrix | number[][];

export interface SplitCommon {
  /** Shuffle rows before splitting (default true). */
  shuffle?: boolean;
  /** Seed for the shuffle; the same seed gives the same split. Default: random. */
  seed?: number;
  /** Keep class proportions in every part: true = by y's classes, or class indexes per row. */
  stratify?: boolean | ArrayLike<number>;
}

export interface TrainValTestOptions extends SplitCommon {
  /** Fractions that sum to 1 (default 0.6 / 0.2 / 0.2). */
  train?: number;
  val?: number;
  test?: number;
}

export interface TrainTestOptions extends SplitCommon {
  /** Fraction (0 < f < 1) or row count of the test part (default 0.25, as sklearn). */
  testSize?: number;
}

export interface TrainValTestSplit<X, Y> {
  xTrain: X;
  yTrain: Y;
  xVal: X;
  yVal: Y;
  xTest: X;
  yTest: Y;
  /** Source row of every row of each part. */
  indices: { train: Int32Array; val: Int32Array; test: Int32Array };
}

export interface TrainTestSplit<X, Y> {
  xTrain: X;
  yTrain: Y;
  xTest: X;
  yTest: Y;
  indices: { train: Int32Array; test: Int32Array };
}

export function trainValTestSplit<X extends SplitFeatures, Y extends SplitTargets>(
  x: X,
  y: Y,
  options: TrainValTestOptions = {},
): TrainValTestSplit<X, Y> {
  const where = 'trainValTestSplit';
  const fr = [options.train ?? 0.6, options.val ?? 0.2, options.test ?? 0.2];
  fr.forEach((f, i) => {
    if (typeof f !== 'number' || !(f >= 0 && f <= 1))
      throw new RangeError(`${where}: ${['train', 'val', 'test'][i]} must be a fraction in [0, 1], got ${describe(f)}`);
  });
  const sum = fr[0]! + fr[1]! + fr[2]!;
  if (Math.abs(sum - 1) > 1e-9)
    throw new RangeError(`${where}: train + val + test must be 1, got ${fr.join(' + ')} = ${sum}`);
  const n = rowCount(x, y, where);
  const [train, val, test] = splitIndices(n, apportion(n, fr), y, options, where);
  return {
    xTrain: takeRows(x, train!),
    yTrain: takeRows(y, train!),
    xVal: takeRows(x, val!),
    yVal: takeRows(y, val!),
    xTest: takeRows(x, test!),
    yTest: takeRows(y, test!),
    indices: { train: train!, val: val!, test: test! },
  };
}

export function trainTestSplit<X extends SplitFeatures, Y extends SplitTargets>(
  x: X,
  y: Y,
  options: TrainTestOptions = {},
): TrainTestSplit<X, Y> {
  const where = 'trainTestSplit';
  const n = rowCount(x, y, where);
  const ts = options.testSize ?? 0.25;
  let nTest: number;
  if (typeof ts === 'number' && ts > 0 && ts < 1)
    nTest = Math.ceil(ts * n); // sklearn rounds the test part up
  else if (Number.isInteger(ts) && ts >= 1 && ts < n) nTest = ts;
  else
    throw new RangeError(
      `${where}: testSize must be a fraction in (0, 1) or a row count in [1, ${n - 1}], got ${describe(ts)}`,
    );
  const [train, test] = splitIndices(n, [n - nTest, nTest], y, options, where);
  return {
    xTrain: takeRows(x, train!),
    yTrain: takeRows(y, train!),
    xTest: takeRows(x, test!),
    yTest: takeRows(y, test!),
    indices: { train: train!, test: test! },
  };
}

function rowCount(x: SplitFeatures, y: SplitTargets, where: string): number {
  const nx = x instanceof Matrix ? intact(x, `${where}: x`).rows : Array.isArray(x) ? x.length : -1;
  if (nx < 0) throw new TypeError(`${where}: x must be a Matrix or number[][], got ${describe(x)}`);
  const ny =
    y instanceof Matrix
      ? intact(y, `${where}: y`).rows
      : Array.isArray(y) || isNumberArray(attached(y, `${where}: y`))
        ? y.length
        : -1;
  if (ny < 0)
    throw new TypeError(
      `${where}: y must be a Matrix, number[], number[][] or a typed array of numbers, got ${describe(y)}`,
    );
  if (nx !== ny) throw new RangeError(`${where}: x has ${nx} rows but y has ${ny}`);
  if (nx === 0) throw new RangeError(`${where}: x has no rows`);
  return nx;
}

function isNumberArray(v: unknown): v is NumberArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array);
}

/** Whole-row counts proportional to fractions that add up to n (largest remainder). */
function apportion(n: number, fractions: number[]): number[] {
  const exact = fractions.map((f) => f * n);
  const counts = exact.map((e) => Math.floor(e + 1e-9));
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - counts[i]!, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) counts[order[k % order.length]![1]]!++;
  return counts;
}

function splitIndices(n: number, sizes: number[], y: SplitTargets, o: SplitCommon, where: string): Int32Array[] {
  const shuffle = o.shuffle ?? true;
  const random = seededRandom(checkSeed(o.seed, where));
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (!o.stratify) {
    if (shuffle) shuffleInPlace(all, random);
    const parts: Int32Array[] = [];
    let start = 0;
    for (const s of sizes) {
      parts.push(all.slice(start, start + s));
      start += s;
    }
    return parts;
  }
  const classes =
    o.stratify === true ? toClassIndexes(y as never, 'y (stratify)') : toClassIndexes(o.stratify, 'stratify');
  if (classes.length !== n) throw new RangeError(`${where}: stratify has ${classes.length} labels for ${n} rows`);
  // Rows of each class, in order (shuffled when asked).
  const byClass: number[][] = [];
  for (let i = 0; i < n; i++) {
    byClass[classes[i]!] ??= [];
    byClass[classes[i]!]!.push(i);
  }
  const groups = byClass
    .filter((g) => g !== undefined)
    .map((g) => (shuffle ? shuffleInPlace(Int32Array.from(g), random) : Int32Array.from(g)));
  const take = allocate(
    groups.map((g) => g.length),
    sizes,
  );
  const parts = sizes.map((s) => new Int32Array(s));
  const filled = sizes.map(() => 0);
  groups.forEach((g, c) => {
    let start = 0;
    take[c]!.forEach((cnt, s) => {
      parts[s]!.set(g.subarray(start, start + cnt), filled[s]);
      filled[s]! += cnt;
      start += cnt;
    });
  });
  // Classes were laid out one after another: mix them (or restore file order without shuffle).
  return parts.map((p) => (shuffle ? shuffleInPlace(p, random) : p.sort()));
}

/**
 * Rows of class c going to part s: every class split in the parts' proportions, each part exactly its
 * size. Floors first, then the leftover rows to the cells with the largest remainders.
 */
function allocate(classSizes: number[], sizes: number[]): number[][] {
  const n = sizes.reduce((a, b) => a + b, 0);
  const cells = classSizes.map((cs) => sizes.map((s) => (cs * s) / n));
  const take = cells.map((row) => row.map((e) => Math.floor(e + 1e-9)));
  const rowLeft = classSizes.map((cs, c) => cs - take[c]!.reduce((a, b) => a + b, 0));
  const colLeft = sizes.map((s, j) => s - take.reduce((a, row) => a + row[j]!, 0));
  const order = cells
    .flatMap((row, c) => row.map((e, s) => [e - take[c]![s]!, c, s] as const))
    .sort((a, b) => b[0] - a[0]);
  // First pass by remainder, then (rarely needed) any cell that still fits both totals.
  for (const pass of [0, 1])
    for (const [, c, s] of order)
      while (rowLeft[c]! > 0 && colLeft[s]! > 0) {
        take[c]![s]!++;
        rowLeft[c]!--;
        colLeft[s]!--;
        if (pass === 0) break;
      }
  return take;
}

function takeRows<T extends SplitFeatures | SplitTargets>(v: T, idx: Int32Array): T {
  if (v instanceof Matrix) {
    const { cols, data } = v;
    const out = new Float32Array(idx.length * cols);
    if (cols === 1) for (let i = 0; i < idx.length; i++) out[i] = data[idx[i]!]!;
    else for (let i = 0; i < idx.length; i++) out.set(data.subarray(idx[i]! * cols, (idx[i]! + 1) * cols), i * cols);
    return new Matrix(idx.length, cols, out) as T;
  }
  if (isNumberArray(v)) {
    const out = new (v.constructor as Float64ArrayConstructor)(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = v[idx[i]!]!;
    return out as T;
  }
  return Array.from(idx, (i) => (v as unknown[])[i]) as T;
}
