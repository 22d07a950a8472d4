// The network `myelin train` builds: hidden Dense layers, then the output layer and loss the task needs.
import type { ActivationIdentifier } from '../activations.js';
import { OPTIMIZER_DEFAULTS } from '../engine/ids.js';
import type { LossIdentifier } from '../losses.js';
import type { MetricIdentifier } from '../metrics.js';
import { Dense, Optimizer, SGD, Sequential } from '../index.js';
import { UsageError } from './errors.js';
import type { Task } from './task.js';

export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'adagrad', 'adamw', 'nadam', 'adamax'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Learning rates when --lr is not given: Keras's defaults (SGD also gets momentum 0.9 unless --momentum says otherwise). */
export const DEFAULT_LR = Object.fromEntries(OPTIMIZERS.map((o) => [o, OPTIMIZER_DEFAULTS[o].learningRate])) as Record<
  OptimizerName,
  number
>;

export interface NetworkOptions {
  inputDim: number;
  hidden: number[];
  activation: ActivationIdentifier;
  task: Task;
  classes: number;
  loss?: LossIdentifier;
  optimizer: OptimizerName;
  lr?: number;
  momentum?: number;
}

export function outputSetup(
  task: Task,
  classes: number,
): {
  units: number;
  activation: ActivationIdentifier;
  loss: LossIdentifier;
  metrics: MetricIdentifier[];
} {
  if (task === 'regression') return { units: 1, activation: 'linear', loss: 'mean_squared_error', metrics: ['mae'] };
  if (classes === 2) return { units: 1, activation: 'sigmoid', loss: 'binary_crossentropy', metrics: ['accuracy'] };
  return { units: classes, activation: 'softmax', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] };
}

/** Weights past 1 GiB as float32 are refused: training holds them several times (gradients, optimizer slots). */
const MAX_WEIGHTS = 2 ** 28;

export function buildNetwork(o: NetworkOptions): Sequential {
  const head = outputSetup(o.task, o.classes);
  // Before any layer is allocated: --layers 1e9 allocated and initialized for minutes, then ran out of memory.
  const widths = [o.inputDim, ...o.hidden, head.units];
  let weights = 0;
  for (let k = 1; k < widths.length; k++) weights += widths[k - 1]! * widths[k]! + widths[k]!;
  if (weights > MAX_WEIGHTS)
    throw new UsageError(
      `--layers ${o.hidden.join(',')}: the network ${widths.join(' → ')} has ${weights} weights ` +
        `(${((weights * 4) / 2 ** 30).toFixed(1)} GiB as float32), more than the ${MAX_WEIGHTS} (1 GiB) myelin train ` +
        'takes (training holds them several times over); use fewer units',
      'train',
    );
  const model = new Sequential();
  let inputDim: number | undefined = o.inputDim;
  for (const units of o.hidden) {
    model.add(new Dense(units, { inputDim, activation: o.activation }));
    inputDim = undefined;
  }
  model.add(new Dense(head.units, { inputDim, activation: head.activation }));
  const lr = o.lr ?? DEFAULT_LR[o.optimizer];
  const optimizer =
    o.optimizer === 'sgd'
      ? new SGD(lr, o.momentum ?? 0)
      : Optimizer.fromConfig({ className: o.optimizer, config: { learningRate: lr } });
  model.compile({ loss: o.loss ?? head.loss, optimizer, metrics: head.metrics });
  return model;
}
