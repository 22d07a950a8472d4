// Losses: Keras names and aliases → the engine's ids, and Keras's loss objects with options
// (BinaryCrossentropy({ fromLogits, labelSmoothing }), ...). The math runs natively with Keras 3's
// formulas (keras/src/losses/losses.py): reduction "sum_over_batch_size", probabilities clipped to
// [1e-7, 1 - 1e-7] (lib/engine/contract.ts, native/kernels/common/loss_kernels.inc).
import { LOSSES, type LossName } from './engine/ids.js';
import { describe } from './matrix.js';
import { checkKeys, resolveName, type Spellings } from './names.js';

export type { LossName };

/** Keras's short names for losses. */
export const LOSS_ALIASES = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  kld: 'kl_divergence',
  bce: 'binary_crossentropy',
} as const satisfies Record<string, LossName>;

/** A loss name or alias in any accepted spelling ('mse', 'binaryCrossentropy', 'KLD'), or a loss object. */
export type LossIdentifier = Spellings<LossName | keyof typeof LOSS_ALIASES> | Loss;

const TABLE: Record<string, LossName> = { ...Object.fromEntries(LOSSES.map((l) => [l, l])), ...LOSS_ALIASES };

const SHOWN = [...LOSSES, ...Object.keys(LOSS_ALIASES)];

export interface CrossentropyOptions {
  /** The model outputs logits (a linear last layer); the loss applies sigmoid / softmax. Default false. */
  fromLogits?: boolean;
  /** Keras's label smoothing in [0, 1]: binary t (1 - s) + s / 2; categorical t (1 - s) + s / classes. Default 0. */
  labelSmoothing?: number;
}

/** Serialized loss object: `{ className: 'BinaryCrossentropy', config: { fromLogits: true, labelSmoothing: 0.1 } }`. */
export interface LossConfig {
  className: string;
  config: { fromLogits?: boolean; labelSmoothing?: number };
}

/** A Keras loss object: a loss with options. `compile({ loss: new BinaryCrossentropy({ fromLogits: true }) })`. */
export abstract class Loss {
  abstract readonly className: string;
  abstract readonly name: LossName;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;

  protected constructor(options: CrossentropyOptions, smoothing: boolean) {
    const who = new.target.name;
    if (options === null || typeof options !== 'object')
      throw new TypeError(`${who}: options must be an object, got ${describe(options)}`);
    checkKeys(options, smoothing ? ['fromLogits', 'labelSmoothing'] : ['fromLogits'], who);
    const fromLogits = options.fromLogits ?? false;
    if (typeof fromLogits !== 'boolean')
      throw new TypeError(`${who}: fromLogits must be a boolean, got ${describe(fromLogits)}`);
    const s = options.labelSmoothing ?? 0;
    if (typeof s !== 'number' || !(s >= 0 && s <= 1))
      throw new RangeError(`${who}: labelSmoothing must be a number in [0, 1], got ${describe(s)}`);
    this.fromLogits = fromLogits;
    this.labelSmoothing = s;
  }

  getConfig(): LossConfig {
    const config: LossConfig['config'] = { fromLogits: this.fromLogits };
    if (this.name !== 'sparse_categorical_crossentropy') config.labelSmoothing = this.labelSmoothing;
    return { className: this.className, config };
  }

  static fromConfig(cfg: LossConfig): Loss {
    const shown = ['BinaryCrossentropy', 'CategoricalCrossentropy', 'SparseCategoricalCrossentropy'];
    const make = resolveName(cfg?.className, LOSS_CLASSES, 'Loss.fromConfig: className', shown);
    return make(cfg.config ?? {});
  }
}

export class BinaryCrossentropy extends Loss {
  readonly className = 'BinaryCrossentropy';
  readonly name = 'binary_crossentropy';
  constructor(options: CrossentropyOptions = {}) {
    super(options, true);
  }
}

export class CategoricalCrossentropy extends Loss {
  readonly className = 'CategoricalCrossentropy';
  readonly name = 'categorical_crossentropy';
  constructor(options: CrossentropyOptions = {}) {
    super(options, true);
  }
}

/** Keras's SparseCategoricalCrossentropy has fromLogits but no label smoothing. */
export class SparseCategoricalCrossentropy extends Loss {
  readonly className = 'SparseCategoricalCrossentropy';
  readonly name = 'sparse_categorical_crossentropy';
  constructor(options: Omit<CrossentropyOptions, 'labelSmoothing'> = {}) {
    super(options, false);
  }
}

const LOSS_CLASSES: Record<string, (c: CrossentropyOptions) => Loss> = {
  binary_crossentropy: (c) => new BinaryCrossentropy(c),
  categorical_crossentropy: (c) => new CategoricalCrossentropy(c),
  sparse_categorical_crossentropy: (c) => new SparseCategoricalCrossentropy(c),
};

/** A loss as compile resolves it: the engine's loss with its options, and the object it came from. */
export interface ResolvedLoss {
  name: LossName;
  fromLogits: boolean;
  labelSmoothing: number;
  object: Loss | null;
}

export function resolveLoss(id: unknown): ResolvedLoss {
  if (id instanceof Loss)
    return { name: id.name, fromLogits: id.fromLogits, labelSmoothing: id.labelSmoothing, object: id };
  const name = resolveName(id, TABLE, 'compile: loss', SHOWN);
  return { name, fromLogits: false, labelSmoothing: 0, object: null };
}

export function lossId(name: LossName): number {
  return LOSSES.indexOf(name);
}

/** Targets are class indexes (one per row) rather than rows of the output width. */
export function isSparseLoss(name: LossName): boolean {
  return name === 'sparse_categorical_crossentropy';
}
