// Metric names → the engine's metric ids. 'accuracy' / 'acc' resolve as in Keras 3
// (keras/src/trainers/compile_utils.py): one output unit → binary accuracy (p > 0.5); class-index
// targets → sparse categorical; else categorical (argmax). The History key is the name as passed.
// Metrics with options are objects (`new AUC({ curve: 'PR' })`, as in Keras), keyed by their `name`.
import { METRICS, type MetricName } from './engine/ids.js';
import type { LossName } from './engine/ids.js';
import { checkKeys, given, resolveName, type Spellings } from './names.js';

export type { MetricName };

type Kind = MetricName | 'accuracy';

const ALIASES = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  r2: 'r2_score',
  top_k: 'top_k_categorical_accuracy',
} as const satisfies Record<string, Kind>;

const TABLE: Record<string, Kind> = { ...Object.fromEntries(METRICS.map((m) => [m, m])), ...ALIASES };

const SHOWN = ['accuracy', 'acc', ...METRICS, 'mse', 'mae', 'r2', 'top_k'];

/** A metric name or alias in any accepted spelling ('accuracy', 'binaryAccuracy', 'mae'). */
export type MetricIdentifier = Spellings<MetricName | keyof typeof ALIASES> | Metric;

/** A History key a callback can watch: the loss, a metric as compiled (any spelling), their `val_`
 *  forms, and 'learning_rate' (added by LearningRateScheduler / ReduceLROnPlateau). */
export type MonitorName = 'loss' | 'val_loss' | MetricSpelling | `val_${MetricSpelling}` | 'learning_rate';
type MetricSpelling = Spellings<MetricName | keyof typeof ALIASES>;

export interface ResolvedMetric {
  /** The name as the user passed it: History keys are `name` and `val_${name}`. */
  name: string;
  /** What the engine computes. */
  metric: MetricName;
  /** Its two options for the engine (CompileSpec.metricArgs). */
  args: [number, number];
  /** The object it came from, if any (saved with the model by its config). */
  object?: Metric;
}

/** A saved metric object: `Metric.fromConfig` makes it again. */
export interface MetricConfig {
  className: string;
  config: Record<string, unknown>;
}

function checkNumber(who: string, option: string, v: unknown, ok: (x: number) => boolean, range: string): number {
  if (typeof v !== 'number' || !ok(v))
    throw new RangeError(`${who}: ${option} must be ${range}, got ${JSON.stringify(v)}`);
  return v;
}

function checkOptions(who: string, options: unknown, allowed: string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${who}: options must be an object, got ${given(options)}`);
  checkKeys(options, allowed, who);
  return options as Record<string, unknown>;
}

function checkName(who: string, name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name === '')
    throw new TypeError(`${who}: name must be a non-empty string, got ${JSON.stringify(name)}`);
  return name;
}

/** A metric with options, computed by the engine over the whole epoch. */
export abstract class Metric {
  /** The History key (and `val_` + it). */
  readonly name: string;
  protected constructor(name: string) {
    this.name = name;
  }
  /** What the engine computes. */
  abstract readonly metric: MetricName;
  /** @internal Its two options for the engine, for a model with `units` outputs. */
  abstract args(units: number): [number, number];
  abstract getConfig(): Record<string, unknown>;
  static fromConfig(c: MetricConfig): Metric {
    const make = c && typeof c === 'object' ? CLASSES[c.className as keyof typeof CLASSES] : undefined;
    if (!make) {
      const valid = Object.keys(CLASSES).join(', ');
      throw new Error(`Metric.fromConfig: unknown className ${JSON.stringify(c?.className)}; valid are ${valid}`);
    }
    return make(c.config);
  }
}

abstract class ThresholdMetric extends Metric {
  readonly thresholds: number;
  protected constructor(who: string, fallback: string, options?: { thresholds?: number; name?: string }) {
    const o = checkOptions(who, options, ['thresholds', 'name']);
    super(checkName(who, o.name, fallback));
    this.thresholds = checkNumber(who, 'thresholds', o.thresholds ?? 0.5, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  }
  args(): [number, number] {
    return [this.thresholds, 0];
  }
  getConfig() {
    return { name: this.name, thresholds: this.thresholds };
  }
}

/** Keras Precision: tp / (tp + fp) over every output, a prediction counting as positive above `thresholds`
 *  (0.5), a target as positive when not 0. */
export class Precision extends ThresholdMetric {
  readonly metric: MetricName = 'precision';
  constructor(options?: { thresholds?: number; name?: string }) {
    super('Precision', 'precision', options);
  }
}

/** Keras Recall: tp / (tp + fn), as Precision counts them. */
export class Recall extends ThresholdMetric {
  readonly metric: MetricName = 'recall';
  constructor(options?: { thresholds?: number; name?: string }) {
    super('Recall', 'recall', options);
  }
}

/** Keras AUC: area under the ROC (default) or PR curve from `numThresholds` (200) evenly spaced thresholds,
 *  ROC by the trapezoid rule, PR by Keras's interpolation; every output counts as one binary decision. */
export class AUC extends Metric {
  readonly metric: MetricName = 'auc';
  readonly curve: 'ROC' | 'PR';
  readonly numThresholds: number;
  constructor(options?: { curve?: 'ROC' | 'PR'; numThresholds?: number; name?: string }) {
    const o = checkOptions('AUC', options, ['curve', 'numThresholds', 'name']);
    super(checkName('AUC', o.name, 'auc'));
    const curve = o.curve ?? 'ROC';
    if (curve !== 'ROC' && curve !== 'PR')
      throw new RangeError(`AUC: curve must be 'ROC' or 'PR', got ${JSON.stringify(curve)}`);
    this.curve = curve;
    const count = (x: number) => Number.isInteger(x) && x > 1 && x <= 100000;
    this.numThresholds = checkNumber(
      'AUC',
      'numThresholds',
      o.numThresholds ?? 200,
      count,
      'an integer in [2, 100000]',
    );
  }
  args(): [number, number] {
    return [this.curve === 'PR' ? 1 : 0, this.numThresholds];
  }
  getConfig() {
    return { name: this.name, curve: this.curve, numThresholds: this.numThresholds };
  }
}

const AVERAGES = ['macro', 'micro', 'weighted'] as const;

/** Keras 3 F1Score: per-class F1 from weighted tp/fp/fn over the epoch, averaged ('macro' by default,
 *  'micro', 'weighted'). Predictions are 1 above `threshold`, or, when it is null, at the row's maximum
 *  (a single-output model uses 0.5 then: its maximum is always its only output). */
export class F1Score extends Metric {
  readonly metric: MetricName = 'f1_score';
  readonly average: (typeof AVERAGES)[number];
  readonly threshold: number | null;
  constructor(options?: { average?: 'macro' | 'micro' | 'weighted'; threshold?: number | null; name?: string }) {
    const o = checkOptions('F1Score', options, ['average', 'threshold', 'name']);
    super(checkName('F1Score', o.name, 'f1_score'));
    const average = o.average ?? 'macro';
    if (!AVERAGES.includes(average as never))
      throw new RangeError(`F1Score: average must be 'macro', 'micro' or 'weighted', got ${JSON.stringify(average)}`);
    this.average = average as (typeof AVERAGES)[number];
    const inRange = (x: number) => x > 0 && x <= 1;
    this.threshold =
      o.threshold == null ? null : checkNumber('F1Score', 'threshold', o.threshold, inRange, 'in (0, 1]');
  }
  args(units: number): [number, number] {
    return [this.threshold ?? (units === 1 ? 0.5 : -1), AVERAGES.indexOf(this.average)];
  }
  getConfig() {
    return { name: this.name, average: this.average, threshold: this.threshold };
  }
}

/** Keras TopKCategoricalAccuracy: the target class is among the `k` (5) largest outputs. */
export class TopKCategoricalAccuracy extends Metric {
  readonly metric: MetricName = 'top_k_categorical_accuracy';
  readonly k: number;
  constructor(options?: { k?: number; name?: string }) {
    const o = checkOptions('TopKCategoricalAccuracy', options, ['k', 'name']);
    super(checkName('TopKCategoricalAccuracy', o.name, 'top_k_categorical_accuracy'));
    const positive = (x: number) => Number.isInteger(x) && x >= 1 && x < 2 ** 24;
    this.k = checkNumber('TopKCategoricalAccuracy', 'k', o.k ?? 5, positive, 'an integer >= 1');
  }
  args(): [number, number] {
    return [this.k, 0];
  }
  getConfig() {
    return { name: this.name, k: this.k };
  }
}

/** Keras R2Score: the coefficient of determination over the epoch, uniform average over outputs. */
export class R2Score extends Metric {
  readonly metric: MetricName = 'r2_score';
  constructor(options?: { name?: string }) {
    const o = checkOptions('R2Score', options, ['name']);
    super(checkName('R2Score', o.name, 'r2_score'));
  }
  args(): [number, number] {
    return [0, 0];
  }
  getConfig() {
    return { name: this.name };
  }
}

const CLASSES = {
  Precision: (c: Record<string, unknown>) => new Precision(c),
  Recall: (c: Record<string, unknown>) => new Recall(c),
  AUC: (c: Record<string, unknown>) => new AUC(c),
  F1Score: (c: Record<string, unknown>) => new F1Score(c as never),
  TopKCategoricalAccuracy: (c: Record<string, unknown>) => new TopKCategoricalAccuracy(c),
  R2Score: (c: Record<string, unknown>) => new R2Score(c),
} as const;

/** Each metric with options: the object a bare name means (its defaults). */
const OBJECTS: Partial<Record<MetricName, () => Metric>> = {
  precision: () => new Precision(),
  recall: () => new Recall(),
  auc: () => new AUC(),
  f1_score: () => new F1Score(),
  top_k_categorical_accuracy: () => new TopKCategoricalAccuracy(),
  r2_score: () => new R2Score(),
};

/**
 * Resolves metric names for a model with `units` outputs trained with `loss`. The engine sees
 * class-index targets only for sparse categorical crossentropy (other losses get rows of the output
 * width; categorical crossentropy one-hot encodes indexes), so the categorical and sparse variants
 * are mapped to the one that reads the targets the engine will get: the value is the same.
 */
export function resolveMetrics(names: readonly unknown[], units: number, loss: LossName): ResolvedMetric[] {
  const sparseTargets = loss === 'sparse_categorical_crossentropy';
  const seen = new Set<string>();
  return names.map((entry) => {
    let object: Metric | undefined;
    if (entry instanceof Metric) object = entry;
    else if (entry !== null && typeof entry === 'object' && 'className' in entry)
      object = Metric.fromConfig(entry as MetricConfig);
    let metric = object ? object.metric : resolveName(entry, TABLE, 'compile: metrics', SHOWN);
    const key = object ? object.name : (entry as string);
    if (seen.has(key)) throw new Error(`compile: metrics lists '${key}' twice; History keys must be unique`);
    seen.add(key);
    if (metric === 'accuracy')
      metric = units === 1 ? 'binary_accuracy' : sparseTargets ? 'sparse_categorical_accuracy' : 'categorical_accuracy';
    else if (metric === 'categorical_accuracy' && sparseTargets) metric = 'sparse_categorical_accuracy';
    else if (metric === 'sparse_categorical_accuracy' && !sparseTargets) metric = 'categorical_accuracy';
    const args = (object ?? OBJECTS[metric]?.())?.args(units) ?? [0, 0];
    return object ? { name: key, metric, args, object } : { name: key, metric, args };
  });
}

export function metricId(name: MetricName): number {
  return METRICS.indexOf(name);
}

/**
 * Direction of improvement of a History key, for monitors in mode 'auto' (MonitorCallback): 'max' for
 * scores (accuracy, AUC, precision, recall, F1, R², IoU), 'min' for losses, errors and anything else.
 */
export function monitorMode(key: string): 'min' | 'max' {
  const name = key.replace(/^val_/, '');
  if (/loss|error|crossentropy|hinge|divergence/.test(name)) return 'min';
  return /(^|_)(acc|accuracy|auc|prc|precision|recall|f1|fbeta|r2|iou)($|_)/.test(name) ? 'max' : 'min';
}
