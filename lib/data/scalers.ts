// Feature scaling learnt on training rows, applied column-wise; serializable so a model file can
// carry it (model.setPreprocessing).
import { checkFinite } from '../finite.js';
import { Matrix, describe, intact } from '../matrix.js';
import { native } from '../native.js';

export type ScalerInput = Matrix | ArrayLike<ArrayLike<number>>;

/** What a model file stores: the class name and the learnt statistics. */
export interface ScalerConfig {
  className: 'StandardScaler' | 'MinMaxScaler';
  config: Record<string, unknown>;
}

export interface Scaler {
  readonly fitted: boolean;
  /** Number of columns it was fitted on. */
  readonly nFeatures: number;
  fit(x: ScalerInput): this;
  transform(x: ScalerInput): Matrix;
  fitTransform(x: ScalerInput): Matrix;
  inverseTransform(x: ScalerInput): Matrix;
  toJSON(): ScalerConfig;
  /** @internal transform as (x - offset) / scale per column (copies), for exporters. */
  affineParams(): { offset: Float64Array; scale: Float64Array };
}

function asMatrix(x: ScalerInput, name: string): Matrix {
  return x instanceof Matrix ? intact(x, name) : Matrix.from(x, name);
}

/** out = (x - offset) / scale per column (natively: it runs on every predict of a model with preprocessing). */
function affine(x: Matrix, offset: Float64Array, scale: Float64Array, inverse: boolean): Matrix {
  const out = new Matrix(x.rows, x.cols);
  if (x.cols > 0) native.affineColumns(x.data, x.cols, offset, scale, inverse, out.data);
  return out;
}

/** float32's largest finite and smallest normal magnitudes: scaled values are float32. */
const F32_MAX = 3.4028234663852886e38;
const F32_MIN_NORMAL = 1.1754943508222875e-38;

/** Each |v| <= F32_MAX (and >= F32_MIN_NORMAL when `positive`): else a scaled input is ±Infinity or NaN. */
function checkRange(values: Float64Array, what: string, positive: boolean): void {
  values.forEach((v, j) => {
    const ok = positive ? v >= F32_MIN_NORMAL && v <= F32_MAX : Math.abs(v) <= F32_MAX;
    if (!ok)
      throw new RangeError(
        `${what} must be ${positive ? `> 0, in float32's normal range [${F32_MIN_NORMAL}, ${F32_MAX}]` : `within float32's range ±${F32_MAX}`}` +
          ` (else scaled values are NaN or infinite); ${what}[${j}] is ${v}`,
      );
  });
}

function numberArray(v: unknown, n: number | undefined, what: string): Float64Array {
  if (
    !Array.isArray(v) ||
    v.some((e) => typeof e !== 'number' || !Number.isFinite(e)) ||
    (n !== undefined && v.length !== n)
  )
    throw new TypeError(`${what} must be an array of ${n ?? 'N'} finite numbers, got ${describe(v)}`);
  return Float64Array.from(v as number[]);
}

abstract class ColumnScaler implements Scaler {
  protected offset: Float64Array | null = null;
  protected scale: Float64Array | null = null;
  protected abstract readonly name: string;

  get fitted(): boolean {
    return this.offset !== null;
  }
  get nFeatures(): number {
    return this.offset?.length ?? 0;
  }

  abstract fit(x: ScalerInput): this;
  abstract toJSON(): ScalerConfig;

  transform(x: ScalerInput): Matrix {
    return affine(this.check(x, 'transform'), this.offset!, this.scale!, false);
  }
  inverseTransform(x: ScalerInput): Matrix {
    return affine(this.check(x, 'inverseTransform'), this.offset!, this.scale!, true);
  }
  fitTransform(x: ScalerInput): Matrix {
    const m = asMatrix(x, 'x');
    return this.fit(m).transform(m);
  }
  affineParams(): { offset: Float64Array; scale: Float64Array } {
    if (!this.offset) throw new Error(`${this.name}: call fit(xTrain) first`);
    return { offset: this.offset.slice(), scale: this.scale!.slice() };
  }

  protected prepareFit(x: ScalerInput): Matrix {
    const m = asMatrix(x, 'x');
    if (m.rows === 0) throw new RangeError(`${this.name}.fit: x has no rows`);
    checkFinite(m.data, m.cols, `${this.name}.fit: x`);
    return m;
  }

  private check(x: ScalerInput, method: string): Matrix {
    if (!this.offset) throw new Error(`${this.name}.${method}: call fit(xTrain) first`);
    const m = asMatrix(x, 'x');
    if (m.cols !== this.offset.length)
      throw new RangeError(
        `${this.name}.${method}: x has ${m.cols} columns but the scaler was fitted on ${this.offset.length}`,
      );
    return m;
  }
}

/**
 * (x - mean) / std per column; std is the population standard deviation (ddof 0, as sklearn and
 * Keras). Constant columns get std 1 so they become 0 instead of NaN.
 */
export class StandardScaler extends ColumnScaler {
  protected readonly name = 'StandardScaler';

  get mean(): Float64Array | null {
    return this.offset;
  }
  /** Population std, with 1 for constant columns. */
  get std(): Float64Array | null {
    return this.scale;
  }

  fit(x: ScalerInput): this {
    const { rows, cols, data } = this.prepareFit(x);
    const mean = new Float64Array(cols);
    for (let i = 0, o = 0; i < rows; i++, o += cols) for (let j = 0; j < cols; j++) mean[j]! += data[o + j]!;
    for (let j = 0; j < cols; j++) mean[j]! /= rows;
    // Two passes: the sum of squared deviations does not cancel like E[x²] - E[x]².
    const ss = new Float64Array(cols);
    for (let i = 0, o = 0; i < rows; i++, o += cols)
      for (let j = 0; j < cols; j++) {
        const d = data[o + j]! - mean[j]!;
        ss[j]! += d * d;
      }
    const std = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      const s = Math.sqrt(ss[j]! / rows);
      std[j] = s > 0 ? s : 1;
    }
    this.offset = mean;
    this.scale = std;
    return this;
  }

  toJSON(): ScalerConfig {
    if (!this.offset) throw new Error('StandardScaler.toJSON: the scaler is not fitted');
    return { className: 'StandardScaler', config: { mean: Array.from(this.offset), std: Array.from(this.scale!) } };
  }

  static fromConfig(config: Record<string, unknown>): StandardScaler {
    const s = new StandardScaler();
    const mean = numberArray(config?.mean, undefined, 'StandardScaler config.mean');
    const std = numberArray(config?.std, mean.length, 'StandardScaler config.std');
    checkRange(mean, 'StandardScaler config.mean', false);
    checkRange(std, 'StandardScaler config.std', true);
    s.offset = mean;
    s.scale = std;
    return s;
  }
}

/** Maps each column's training [min, max] onto featureRange (default [0, 1]); constant columns map to its low end. */
export class MinMaxScaler extends ColumnScaler {
  protected readonly name = 'MinMaxScaler';
  readonly featureRange: [number, number];
  private min: Float64Array | null = null;
  private max: Float64Array | null = null;

  constructor(options: { featureRange?: [number, number] } = {}) {
    super();
    const [lo, hi] = options.featureRange ?? [0, 1];
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi))
      throw new RangeError(`MinMaxScaler: featureRange must be [low, high] with low < high, got [${lo}, ${hi}]`);
    this.featureRange = [lo, hi];
  }

  get dataMin(): Float64Array | null {
    return this.min;
  }
  get dataMax(): Float64Array | null {
    return this.max;
  }

  fit(x: ScalerInput): this {
    const { rows, cols, data } = this.prepareFit(x);
    const min = Float64Array.from(data.subarray(0, cols));
    const max = Float64Array.from(data.subarray(0, cols));
    for (let i = 1, o = cols; i < rows; i++, o += cols)
      for (let j = 0; j < cols; j++) {
        const v = data[o + j]!;
        if (v < min[j]!) min[j] = v;
        if (v > max[j]!) max[j] = v;
      }
    this.setStats(min, max);
    return this;
  }

  toJSON(): ScalerConfig {
    if (!this.min) throw new Error('MinMaxScaler.toJSON: the scaler is not fitted');
    return {
      className: 'MinMaxScaler',
      config: { featureRange: [...this.featureRange], dataMin: Array.from(this.min), dataMax: Array.from(this.max!) },
    };
  }

  static fromConfig(config: Record<string, unknown>): MinMaxScaler {
    const range = numberArray(config?.featureRange, 2, 'MinMaxScaler config.featureRange');
    const s = new MinMaxScaler({ featureRange: [range[0]!, range[1]!] });
    const min = numberArray(config?.dataMin, undefined, 'MinMaxScaler config.dataMin');
    const max = numberArray(config?.dataMax, min.length, 'MinMaxScaler config.dataMax');
    checkRange(min, 'MinMaxScaler config.dataMin', false);
    checkRange(max, 'MinMaxScaler config.dataMax', false);
    checkRange(
      max.map((v, j) => v - min[j]!),
      'MinMaxScaler config dataMax - dataMin',
      false,
    );
    if (min.some((v, j) => v > max[j]!)) throw new RangeError('MinMaxScaler config.dataMin must be <= dataMax');
    s.setStats(min, max);
    checkRange(s.scale!, 'MinMaxScaler config (dataMax - dataMin) / featureRange width', true);
    checkRange(s.offset!, 'MinMaxScaler config offset', false);
    return s;
  }

  // x' = (x - min) / (max - min) * (hi - lo) + lo, written as (x - offset) / scale.
  private setStats(min: Float64Array, max: Float64Array): void {
    const [lo, hi] = this.featureRange;
    const cols = min.length;
    const offset = new Float64Array(cols);
    const scale = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      const range = max[j]! - min[j]! || 1;
      scale[j] = range / (hi - lo);
      offset[j] = min[j]! - lo * scale[j]!;
    }
    this.min = min;
    this.max = max;
    this.offset = offset;
    this.scale = scale;
  }
}

/** Rebuilds a scaler from toJSON() output (as stored in a model file). */
export function scalerFromConfig(json: unknown): Scaler {
  const j = json as ScalerConfig | null;
  if (j === null || typeof j !== 'object' || typeof j.config !== 'object' || j.config === null)
    throw new TypeError(`a scaler config must be { className, config }, got ${describe(json)}`);
  if (j.className === 'StandardScaler') return StandardScaler.fromConfig(j.config);
  if (j.className === 'MinMaxScaler') return MinMaxScaler.fromConfig(j.config);
  throw new TypeError(`unknown scaler class ${JSON.stringify(j.className)} (known: StandardScaler, MinMaxScaler)`);
}
