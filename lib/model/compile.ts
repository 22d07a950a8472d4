// compile(): resolves the loss, metrics and optimizer into the engine's CompileSpec.
import type { CompileSpec } from '../engine/contract.js';
import {
  Loss,
  lossId,
  resolveLoss,
  type LossConfig,
  type LossIdentifier,
  type LossName,
  type ResolvedLoss,
} from '../losses.js';
import { metricId, resolveMetrics, type MetricConfig, type MetricIdentifier, type ResolvedMetric } from '../metrics.js';
import { checkKeys, given } from '../names.js';
import { resolveOptimizer, type Optimizer, type OptimizerConfig, type OptimizerIdentifier } from '../optimizers.js';

export interface CompileArgs {
  /** Keras identifier or alias ('mse', 'binary_crossentropy', 'categoricalCrossentropy', ...) or a loss
   *  object (`new BinaryCrossentropy({ fromLogits: true })`). */
  loss: LossIdentifier;
  /** An Optimizer or a name ('sgd', 'adam', 'rmsprop', 'adagrad'). Default 'rmsprop', as Keras. */
  optimizer?: OptimizerIdentifier;
  /** 'accuracy', 'binary_accuracy', 'mse', 'auc', ... or metric objects (`new AUC({ curve: 'PR' })`); History
   *  keys use these names as given, or the objects' `name`. */
  metrics?: MetricIdentifier[];
}

/** The serializable part of a compile (persistence): `compile({ loss, metrics, optimizer: Optimizer.fromConfig(optimizer) })`. */
export interface CompileConfig {
  /** A name, or a loss object's config (Loss.fromConfig). */
  loss: LossName | LossConfig;
  metrics: (string | MetricConfig)[];
  optimizer: OptimizerConfig;
}

export interface Compiled {
  loss: LossName;
  /** The loss with its options (fromLogits, labelSmoothing) and the object it came from. */
  lossSpec: ResolvedLoss;
  metrics: ResolvedMetric[];
  optimizer: Optimizer;
}

export function resolveCompile(args: CompileArgs, units: number): Compiled {
  if (args === null || typeof args !== 'object')
    throw new TypeError(`compile: expected { loss, optimizer, metrics }, got ${given(args)}`);
  checkKeys(args, ['loss', 'optimizer', 'metrics'], 'compile');
  if (args.metrics !== undefined && !Array.isArray(args.metrics))
    throw new TypeError(`compile: metrics must be an array of names, got ${JSON.stringify(args.metrics)}`);
  const lossSpec = resolveLoss(args.loss);
  const loss = lossSpec.name;
  return {
    loss,
    lossSpec,
    metrics: resolveMetrics(args.metrics ?? [], units, loss),
    optimizer: resolveOptimizer(args.optimizer ?? 'rmsprop'),
  };
}

export function compileSpec(c: Compiled): CompileSpec {
  return {
    loss: lossId(c.loss),
    fromLogits: c.lossSpec.fromLogits,
    labelSmoothing: c.lossSpec.labelSmoothing,
    metrics: c.metrics.map((m) => metricId(m.metric)),
    metricArgs: c.metrics.flatMap((m) => m.args),
    optimizer: c.optimizer.toSpec(),
  };
}

/** The loss as saved: its name, or its object's config. */
export function lossConfig(c: Compiled): LossName | LossConfig {
  return c.lossSpec.object?.getConfig() ?? c.loss;
}

/** A saved loss back into what compile takes. */
export function lossFromConfig(loss: LossName | LossConfig): LossIdentifier {
  return typeof loss === 'string' ? loss : Loss.fromConfig(loss);
}
