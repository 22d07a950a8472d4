// Metric names → the engine's metric ids. 'accuracy' / 'acc' resolve as in Keras 3
// (keras/src/trainers/compile_utils.py): one output unit → binary accuracy (p > 0.5); class-index
// targets → sparse categorical; else categorical (argmax). The History key is the name as passed.
import { METRICS, type MetricName } from './engine/ids.js';
import type { LossName } from './engine/ids.js';
import { resolveName, type Spellings } from './names.js';

export type { MetricName };

type Kind = MetricName | 'accuracy';

const ALIASES = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
} as const satisfies Record<string, Kind>;

const TABLE: Record<string, Kind> = { ...Object.fromEntries(METRICS.map((m) => [m, m])), ...ALIASES };

const SHOWN = ['accuracy', 'acc', ...METRICS, 'mse', 'mae'];

/** A metric name or alias in any accepted spelling ('accuracy', 'binaryAccuracy', 'mae'). */
export type MetricIdentifier = Spellings<MetricName | keyof typeof ALIASES>;

/** A History key a callback can watch: the loss, a metric as compiled (any spelling), their `val_`
 *  forms, and 'learning_rate' (added by LearningRateScheduler / ReduceLROnPlateau). */
export type MonitorName = 'loss' | 'val_loss' | MetricIdentifier | `val_${MetricIdentifier}` | 'learning_rate';

export interface ResolvedMetric {
  /** The name as the user passed it: History keys are `name` and `val_${name}`. */
  name: string;
  /** What the engine computes. */
  metric: MetricName;
}

/**
 * Resolves metric names for a model with `units` outputs trained with `loss`. The engine sees
 * class-index targets only for sparse categorical crossentropy (other losses get rows of the output
 * width; categorical crossentropy one-hot encodes indexes), so the categorical and sparse variants
 * are mapped to the one that reads the targets the engine will get: the value is the same.
 */
export function resolveMetrics(names: readonly unknown[], units: number, loss: LossName): ResolvedMetric[] {
  const sparseTargets = loss === 'sparse_categorical_crossentropy';
  const seen = new Set<string>();
  return names.map((name) => {
    let metric = resolveName(name, TABLE, 'compile: metrics', SHOWN);
    const key = name as string;
    if (seen.has(key)) throw new Error(`compile: metrics lists '${key}' twice; History keys must be unique`);
    seen.add(key);
    if (metric === 'accuracy')
      metric = units === 1 ? 'binary_accuracy' : sparseTargets ? 'sparse_categorical_accuracy' : 'categorical_accuracy';
    else if (metric === 'categorical_accuracy' && sparseTargets) metric = 'sparse_categorical_accuracy';
    else if (metric === 'sparse_categorical_accuracy' && !sparseTargets) metric = 'categorical_accuracy';
    return { name: key, metric };
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
