// compile(): resolves the loss, metrics and optimizer into the engine's CompileSpec.
import type { CompileSpec } from '../engine/contract.js';
import { lossId, resolveLoss, type LossName } from '../losses.js';
import { metricId, resolveMetrics, type ResolvedMetric } from '../metrics.js';
import { checkKeys } from '../names.js';
import { resolveOptimizer, type Optimizer, type OptimizerConfig, type OptimizerIdentifier } from '../optimizers.js';

export interface CompileArgs {
  /** Keras identifier or alias: 'mse', 'binary_crossentropy', 'categoricalCrossentropy', ... */
  loss: string;
  /** An Optimizer or a name ('sgd', 'adam', 'rmsprop', 'adagrad'). Default 'rmsprop', as Keras. */
  optimizer?: OptimizerIdentifier;
  /** 'accuracy', 'binary_accuracy', 'mse', ...; History keys use these names as given. */
  metrics?: string[];
}

/** The serializable part of a compile (persistence): `compile({ loss, metrics, optimizer: Optimizer.fromConfig(optimizer) })`. */
export interface CompileConfig {
  loss: LossName;
  metrics: string[];
  optimizer: OptimizerConfig;
}

export interface Compiled {
  loss: LossName;
  metrics: ResolvedMetric[];
  optimizer: Optimizer;
}

export function resolveCompile(args: CompileArgs, units: number): Compiled {
  if (args === null || typeof args !== 'object')
    throw new TypeError(`compile: expected { loss, optimizer, metrics }, got ${String(args)}`);
  checkKeys(args, ['loss', 'optimizer', 'metrics'], 'compile');
  if (args.metrics !== undefined && !Array.isArray(args.metrics))
    throw new TypeError(`compile: metrics must be an array of names, got ${JSON.stringify(args.metrics)}`);
  const loss = resolveLoss(args.loss);
  return {
    loss,
    metrics: resolveMetrics(args.metrics ?? [], units, loss),
    optimizer: resolveOptimizer(args.optimizer ?? 'rmsprop'),
  };
}

export function compileSpec(c: Compiled): CompileSpec {
  return { loss: lossId(c.loss), metrics: c.metrics.map((m) => metricId(m.metric)), optimizer: c.optimizer.toSpec() };
}
