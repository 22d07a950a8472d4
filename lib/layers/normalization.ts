// Normalization: Keras's preprocessing layer, y = (x - mean) / max(sqrt(variance), 1e-7) per feature
// (invert: y = mean + x * max(sqrt(variance), 1e-7), undoing it), with mean and (biased) variance learnt
// from data by adapt(x) or given as options; axis null keeps one mean and variance for all features. They
// are weights (saved with the model, set by setWeights; one per feature, repeated when axis is null) that
// training does not change.
import type { NormalizationSpec } from '../engine/contract.js';
import { checkFinite } from '../finite.js';
import { attached, describe } from '../matrix.js';
import { toMatrix } from '../model/data.js';
import { checkKeys, given } from '../names.js';
import { Layer, type LayerOptions } from './layer.js';

export interface NormalizationOptions extends LayerOptions {
  /** Per-feature mean (or one number for all), instead of adapt(). Needs variance too. */
  mean?: number | number[];
  /** Per-feature variance (or one number for all), >= 0, instead of adapt(). Needs mean too. */
  variance?: number | number[];
  /** -1 (default): a mean and variance per feature; null: one for all features (then mean and variance are numbers). */
  axis?: -1 | null;
  /** Undo the normalization: y = mean + x * sd (default false). */
  invert?: boolean;
}

/** Keras's axis spellings for flat rows: -1, 1, [-1], [1] → -1; null, [] → null. */
function checkAxis(v: unknown): -1 | null {
  if (v === undefined) return -1;
  const a = Array.isArray(v) && v.length <= 1 ? (v.length === 0 ? null : v[0]) : v;
  if (a === null) return null;
  if (a === -1 || a === 1) return -1;
  throw new RangeError(
    'Normalization: axis must be -1 (a mean and variance per feature) or null (one for all features), ' +
      `got ${describe(v)}`,
  );
}

function stats(v: unknown, name: string, nonNegative: boolean): number[] | number {
  // a typed array of numbers too (Keras takes numpy arrays)
  const list =
    typeof v === 'number'
      ? [v]
      : ArrayBuffer.isView(v) && !(v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array)
        ? Array.from(attached(v as Float32Array, `Normalization: ${name}`))
        : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((e) => typeof e === 'number' && Number.isFinite(e)))
    throw new TypeError(`Normalization: ${name} must be a finite number or a non-empty number[], got ${describe(v)}`);
  const bad = list.findIndex((e) => nonNegative && e < 0);
  if (bad >= 0) throw new RangeError(`Normalization: ${name}[${bad}] must be >= 0, got ${list[bad]}`);
  return typeof v === 'number' ? v : [...list];
}

export class Normalization extends Layer {
  readonly className = 'Normalization';
  /** As given in the options (null: learnt by adapt, or 0 and 1 until then). */
  readonly mean: number | number[] | null;
  readonly variance: number | number[] | null;
  readonly axis: -1 | null;
  readonly invert: boolean;
  private adapted: [Float32Array, Float32Array] | null = null;

  constructor(options: NormalizationOptions = {}) {
    if (options === null || typeof options !== 'object')
      throw new TypeError(`Normalization: options must be an object, got ${given(options)}`);
    checkKeys(options, ['inputDim', 'name', 'mean', 'variance', 'axis', 'invert'], 'Normalization');
    const axis = checkAxis(options.axis);
    if (options.invert !== undefined && typeof options.invert !== 'boolean')
      throw new TypeError(`Normalization: invert must be a boolean, got ${describe(options.invert)}`);
    if ((options.mean === undefined) !== (options.variance === undefined))
      throw new TypeError('Normalization: give both mean and variance, or neither (then call adapt(x))');
    const mean = options.mean === undefined ? null : stats(options.mean, 'mean', false);
    const variance = options.variance === undefined ? null : stats(options.variance, 'variance', true);
    if (Array.isArray(mean) && Array.isArray(variance) && mean.length !== variance.length)
      throw new RangeError(
        `Normalization: mean has ${mean.length} values but variance has ${variance.length}; they must match`,
      );
    if (axis === null && (Array.isArray(mean) || Array.isArray(variance)))
      throw new TypeError(
        'Normalization: with axis null, mean and variance must be single numbers (one for all features)',
      );
    const width = Array.isArray(mean) ? mean.length : Array.isArray(variance) ? variance.length : undefined;
    if (width !== undefined && options.inputDim !== undefined && options.inputDim !== width)
      throw new RangeError(`Normalization: mean and variance have ${width} values but inputDim is ${options.inputDim}`);
    super(options, 'Normalization');
    this.mean = mean;
    this.variance = variance;
    this.axis = axis;
    this.invert = options.invert ?? false;
  }

  outputDim(inputDim: number): number {
    return inputDim;
  }

  override weightNames(): string[] {
    return ['mean', 'variance'];
  }

  override weightShapes(): number[][] {
    return this.inputDim === null ? [] : [[this.inputDim], [this.inputDim]];
  }

  override nonTrainableParams(): number {
    return this.countParams();
  }

  /**
   * Learns each feature's mean and (biased) variance from x (rows x features), as Keras's adapt does.
   * On a layer in a model, it sets the layer's weights; call it before fit.
   */
  adapt(x: unknown): void {
    const m = toMatrix(x, 'Normalization.adapt: x');
    if (m.rows === 0) throw new RangeError('Normalization.adapt: x is empty (0 rows); it needs at least one row');
    if (this.inputDim !== null && m.cols !== this.inputDim)
      throw new RangeError(`Normalization.adapt: x has ${m.cols} columns but the layer is ${this.inputDim} wide`);
    checkFinite(m.data, m.cols, 'Normalization.adapt: x');
    // Per feature, or (axis null) over every value, in double.
    const groups = this.axis === null ? 1 : m.cols;
    const count = this.axis === null ? m.data.length : m.rows;
    const mean = new Float64Array(groups);
    const sq = new Float64Array(groups);
    const d = m.data;
    for (let e = 0; e < d.length; e++) mean[groups === 1 ? 0 : e % groups]! += d[e]!;
    for (let j = 0; j < groups; j++) mean[j]! /= count;
    for (let e = 0; e < d.length; e++)
      sq[groups === 1 ? 0 : e % groups]! += (d[e]! - mean[groups === 1 ? 0 : e % groups]!) ** 2;
    const spread = (v: Float64Array) => Float32Array.from({ length: m.cols }, (_, j) => v[groups === 1 ? 0 : j]!);
    const adapted: [Float32Array, Float32Array] = [spread(mean), spread(sq.map((s) => s / count))];
    this.adapted = adapted;
    if (this.owner) this.owner.setLayerWeights(this, adapted);
    else if (this.inputDim === null) this.inputDim = m.cols;
    else if (this.initial) this.initial = adapted;
  }

  protected override initialWeights(): Float32Array[] {
    const n = this.inputDim!;
    if (this.adapted) return this.adapted;
    const fill = (v: number | number[] | null, dflt: number, name: string) => {
      if (Array.isArray(v) && v.length !== n)
        throw new RangeError(`Normalization '${this.name}': ${name} has ${v.length} values but the input is ${n} wide`);
      return Array.isArray(v) ? Float32Array.from(v) : new Float32Array(n).fill(v ?? dflt);
    };
    return [fill(this.mean, 0, 'mean'), fill(this.variance, 1, 'variance')];
  }

  toSpec(): NormalizationSpec {
    return { kind: 'normalization', units: this.inputDim!, invert: this.invert };
  }

  protected ownConfig(): Record<string, unknown> {
    return {
      ...(this.mean === null ? {} : { mean: this.mean, variance: this.variance }),
      ...(this.axis === null ? { axis: null } : {}),
      ...(this.invert ? { invert: true } : {}),
    };
  }
}
