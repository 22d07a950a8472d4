// BatchNormalization and LayerNormalization with Keras 3's semantics and defaults
// (keras/src/layers/normalization/): y = gamma * (x - mean) / sqrt(var + epsilon) + beta, over the
// batch per feature (batch statistics in training, moving statistics in inference) or over the
// features per row. The engine runs both (native/core/engine/norm.cc).
import type { BatchNormalizationSpec, LayerNormalizationSpec } from '../engine/contract.js';
import { checkField } from '../engine/fields.js';
import { SPEC_FIELDS } from '../engine/specs.js';
import { describe } from '../matrix.js';
import { checkKeys, given } from '../names.js';
import { Layer, type LayerOptions } from './layer.js';

export interface LayerNormalizationOptions extends LayerOptions {
  /** Added to the variance; default 1e-3 (Keras). Must be > 0. */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a factor gamma (default true). */
  scale?: boolean;
}

export interface BatchNormalizationOptions extends LayerNormalizationOptions {
  /** Of the moving statistics: moving = moving * momentum + batch * (1 - momentum). Default 0.99, in [0, 1]. */
  momentum?: number;
}

function checkBool(v: unknown, who: string, name: string): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean')
    throw new TypeError(`${who}: ${name} must be a boolean, got ${describe(v)}`);
  return v as boolean | undefined;
}

/** Shared by both: gamma (scale), beta (center), each one value per feature. */
abstract class NormalizationBase extends Layer {
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;

  protected constructor(options: LayerNormalizationOptions, who: string, keys: string[]) {
    if (options === null || typeof options !== 'object')
      throw new TypeError(`${who}: options must be an object, got ${given(options)}`);
    checkKeys(options, ['inputDim', 'name', 'epsilon', 'center', 'scale', ...keys], who);
    const rules = SPEC_FIELDS.LayerNormalizationSpec;
    const epsilon = options.epsilon === undefined ? 1e-3 : checkField(options.epsilon, rules.epsilon, who, 'epsilon');
    const center = checkBool(options.center, who, 'center') ?? true;
    const scale = checkBool(options.scale, who, 'scale') ?? true;
    super(options, who);
    this.epsilon = epsilon;
    this.center = center;
    this.scale = scale;
  }

  outputDim(inputDim: number): number {
    return inputDim;
  }

  /** Keras's variable names, in getWeights() order. */
  override weightNames(): string[] {
    return [...(this.scale ? ['gamma'] : []), ...(this.center ? ['beta'] : [])];
  }

  override weightShapes(): number[][] {
    return this.inputDim === null ? [] : this.weightNames().map(() => [this.inputDim!]);
  }

  protected override initialWeights(): Float32Array[] {
    const n = this.inputDim!;
    // gamma ones, beta zeros, moving mean zeros, moving variance ones (Keras's initializers).
    return this.weightNames().map((w) => new Float32Array(n).fill(w === 'gamma' || w === 'moving_variance' ? 1 : 0));
  }

  protected ownConfig(): Record<string, unknown> {
    return { epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}

/**
 * Normalizes each feature over the batch: batch mean and (biased) variance while training, the moving
 * statistics in predict, evaluate and validation. Weights: gamma, beta, moving_mean, moving_variance
 * (the last two are not trained: Keras's non-trainable parameters).
 */
export class BatchNormalization extends NormalizationBase {
  readonly className = 'BatchNormalization';
  readonly momentum: number;

  constructor(options: BatchNormalizationOptions = {}) {
    super(options, 'BatchNormalization', ['momentum']);
    const m = options.momentum;
    this.momentum =
      m === undefined
        ? 0.99
        : checkField(m, SPEC_FIELDS.BatchNormalizationSpec.momentum, 'BatchNormalization', 'momentum');
  }

  override weightNames(): string[] {
    return [...super.weightNames(), 'moving_mean', 'moving_variance'];
  }

  override nonTrainableParams(): number {
    return this.inputDim === null ? 0 : 2 * this.inputDim;
  }

  toSpec(): BatchNormalizationSpec {
    const { inputDim: units, momentum, epsilon, center, scale } = this;
    return { kind: 'batch_normalization', units: units!, momentum, epsilon, center, scale };
  }

  protected override ownConfig(): Record<string, unknown> {
    return { momentum: this.momentum, ...super.ownConfig() };
  }
}

/** Normalizes each row over its features (mean and biased variance of the row); the same in training and inference. */
export class LayerNormalization extends NormalizationBase {
  readonly className = 'LayerNormalization';

  constructor(options: LayerNormalizationOptions = {}) {
    super(options, 'LayerNormalization', []);
  }

  toSpec(): LayerNormalizationSpec {
    const { inputDim: units, epsilon, center, scale } = this;
    return { kind: 'layer_normalization', units: units!, epsilon, center, scale };
  }
}
