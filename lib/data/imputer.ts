// Filling missing values (NaN) column by column with a statistic of the training rows, as sklearn's
// SimpleImputer does; serializable like the scalers.
import { Matrix, attached, describe, intact } from '../matrix.js';

export type ImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';
export const IMPUTE_STRATEGIES: readonly ImputeStrategy[] = ['mean', 'median', 'most_frequent', 'constant'];

export interface ImputerOptions {
  /** 'mean' (default), 'median', 'most_frequent' (the smallest on ties) or 'constant' (fillValue). */
  strategy?: ImputeStrategy;
  /** The value for 'constant' (default 0). */
  fillValue?: number;
}

/**
 * A statistic of column j of a row-major table, over its non-NaN cells; 0 for a column with none
 * (sklearn's keep_empty_features=True).
 */
export function columnStatistic(
  data: Float32Array,
  cols: number,
  j: number,
  strategy: ImputeStrategy,
  fillValue = 0,
): number {
  if (strategy === 'constant') return fillValue;
  if (strategy === 'mean') {
    let sum = 0;
    let n = 0;
    for (let i = j; i < data.length; i += cols) {
      const v = data[i]!;
      if (v === v) {
        sum += v;
        n++;
      }
    }
    return n > 0 ? sum / n : 0;
  }
  const values = presentValues(data, cols, j).sort();
  if (values.length === 0) return 0;
  if (strategy === 'median') {
    const h = values.length >> 1;
    return values.length % 2 ? values[h]! : (values[h - 1]! + values[h]!) / 2;
  }
  let best = values[0]!;
  let bestRun = 0;
  for (let i = 0; i < values.length; ) {
    let k = i;
    while (k < values.length && values[k] === values[i]) k++;
    // ascending: ties keep the smallest
    if (k - i > bestRun) {
      bestRun = k - i;
      best = values[i]!;
    }
    i = k;
  }
  return best;
}

function presentValues(data: Float32Array, cols: number, j: number): Float64Array {
  const out = new Float64Array(Math.ceil((data.length - j) / cols));
  let n = 0;
  for (let i = j; i < data.length; i += cols) {
    const v = data[i]!;
    if (v === v) out[n++] = v;
  }
  return out.subarray(0, n);
}

/** Replaces NaN cells in place by their column's fill value: one typed-array pass. */
export function fillMissing(data: Float32Array, cols: number, fill: ArrayLike<number>): void {
  for (let o = 0; o < data.length; o += cols)
    for (let j = 0; j < cols; j++) if (data[o + j] !== data[o + j]) data[o + j] = fill[j]!;
}

/** sklearn's SimpleImputer for numbers: missing cells are NaN (readCsv's `missing: true` reads them so). */
export class Imputer {
  readonly strategy: ImputeStrategy;
  readonly fillValue: number;
  private stats: Float64Array | null = null;

  constructor(options: ImputerOptions = {}) {
    const s = options.strategy ?? 'mean';
    if (!IMPUTE_STRATEGIES.includes(s))
      throw new RangeError(`Imputer: strategy must be one of ${IMPUTE_STRATEGIES.join(', ')}, got ${describe(s)}`);
    const f = options.fillValue ?? 0;
    if (!Number.isFinite(f)) throw new RangeError(`Imputer: fillValue must be a finite number, got ${describe(f)}`);
    this.strategy = s;
    this.fillValue = f;
  }

  get fitted(): boolean {
    return this.stats !== null;
  }
  get nFeatures(): number {
    return this.stats?.length ?? 0;
  }
  /** The fill value of each column (sklearn's statistics_). */
  get statistics(): Float64Array | null {
    return this.stats;
  }

  fit(x: Matrix | ArrayLike<ArrayLike<number>>): this {
    const m = toMatrix(x, 'Imputer.fit');
    if (m.rows === 0) throw new RangeError('Imputer.fit: x has no rows');
    checkNoInfinity(m, 'Imputer.fit');
    this.stats = Float64Array.from({ length: m.cols }, (_, j) =>
      columnStatistic(m.data, m.cols, j, this.strategy, this.fillValue),
    );
    return this;
  }

  /** A copy of x with every NaN replaced by its column's statistic. */
  transform(x: Matrix | ArrayLike<ArrayLike<number>>): Matrix {
    if (!this.stats) throw new Error('Imputer.transform: call fit(xTrain) first');
    const m = toMatrix(x, 'Imputer.transform');
    if (m.cols !== this.stats.length)
      throw new RangeError(
        `Imputer.transform: x has ${m.cols} columns but the imputer was fitted on ${this.stats.length}`,
      );
    const out = new Matrix(m.rows, m.cols, m.data.slice());
    fillMissing(out.data, out.cols, this.stats);
    return out;
  }

  fitTransform(x: Matrix | ArrayLike<ArrayLike<number>>): Matrix {
    const m = toMatrix(x, 'Imputer.fit');
    return this.fit(m).transform(m);
  }

  toJSON(): { className: 'Imputer'; config: { strategy: ImputeStrategy; fillValue: number; statistics: number[] } } {
    if (!this.stats) throw new Error('Imputer.toJSON: the imputer is not fitted');
    return {
      className: 'Imputer',
      config: { strategy: this.strategy, fillValue: this.fillValue, statistics: Array.from(this.stats) },
    };
  }

  static fromConfig(config: Record<string, unknown>): Imputer {
    const imp = new Imputer({ strategy: config?.strategy as ImputeStrategy, fillValue: config?.fillValue as number });
    const s = config?.statistics;
    if (!Array.isArray(s) || s.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
      throw new TypeError(`Imputer config.statistics must be an array of finite numbers, got ${describe(s)}`);
    imp.stats = Float64Array.from(s as number[]);
    return imp;
  }
}

function toMatrix(x: Matrix | ArrayLike<ArrayLike<number>>, what: string): Matrix {
  if (x instanceof Matrix) return intact(x, what);
  // null and undefined are missing too in plain arrays
  const rows = Array.from(attached(x as ArrayLike<ArrayLike<number | null | undefined>>, `${what}: x`), (r, i) =>
    r && typeof r === 'object'
      ? Array.from(attached(r, `${what}: x[${i}]`), (v) => (v === null || v === undefined ? NaN : v))
      : r,
  );
  return Matrix.from(rows as number[][], `${what}: x`);
}

function checkNoInfinity(m: Matrix, what: string): void {
  for (let i = 0; i < m.data.length; i++)
    if (m.data[i] === Infinity || m.data[i] === -Infinity)
      throw new RangeError(
        `${what}: x[${Math.floor(i / m.cols)}][${i % m.cols}] is ${m.data[i]}; only NaN marks a missing value`,
      );
}
