// One training run of `myelin train`: preprocessing learnt on the rows it trains on, the network, fit
// with early stopping, and a regression target's scale folded back into the output layer.
import {
  EarlyStopping,
  Matrix,
  Preprocessor,
  type CallbackHooks,
  type History,
  type Sequential,
  type Table,
} from '../index.js';
import { buildNetwork, type NetworkOptions } from './network.js';
import type { Output } from './output.js';
import { progressCallback } from './progress.js';

/** The network (its input width comes from the preprocessed rows) and how the rows are prepared and fed. */
export interface StageSetup extends Omit<NetworkOptions, 'inputDim'> {
  momentum: number;
  batchSize: number;
  categorical?: string[];
  impute: 'mean' | 'median';
}

export interface StageResult {
  model: Sequential;
  history: History;
  seconds: number;
  /** Epochs up to the best validation loss (all epochs run without early stopping). */
  bestEpochs: number;
}

export async function trainStage(
  s: StageSetup,
  train: Table,
  yTrain: Int32Array | Float32Array,
  val: [Table, Int32Array | Float32Array] | null,
  run: { epochs: number; patience: number; seed: number; logEvery: number },
  out: Output,
  beforeFit?: (model: Sequential) => void,
): Promise<StageResult> {
  const pre = new Preprocessor({ categorical: s.categorical, impute: s.impute }).fit(train);
  // Regression learns a standardized target (any scale trains alike); the scale is folded back into
  // the output layer afterwards, so the saved model predicts in the target's own units.
  const yScale = s.task === 'regression' ? targetScale(yTrain as Float32Array) : { mean: 0, std: 1 };
  const scaleY = (y: Float32Array | Int32Array) =>
    s.task === 'regression' ? Float32Array.from(y, (v) => (v - yScale.mean) / yScale.std) : y;
  const model = buildNetwork({ ...s, inputDim: pre.nFeatures });
  beforeFit?.(model);
  const callbacks: CallbackHooks[] = [progressCallback(out, { epochs: run.epochs, indent: '  ', every: run.logEvery })];
  const stopper =
    run.patience > 0
      ? new EarlyStopping({ monitor: val ? 'val_loss' : 'loss', patience: run.patience, restoreBestWeights: true })
      : null;
  if (stopper) callbacks.push(stopper);
  const started = performance.now();
  const history = await model.fit(pre.transform(train), scaleY(yTrain), {
    epochs: run.epochs,
    batchSize: s.batchSize,
    verbose: 0,
    callbacks,
    ...(val ? { validationData: [pre.transform(val[0]), scaleY(val[1])] as [Matrix, Float32Array | Int32Array] } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  if (s.task === 'regression') foldTargetScale(model, yScale);
  model.setPreprocessing(pre);
  const losses = history.history[val ? 'val_loss' : 'loss'] ?? [];
  const best = stopper && losses.length ? losses.indexOf(Math.min(...losses)) + 1 : history.epoch.length;
  return { model, history, seconds, bestEpochs: Math.max(1, best) };
}

export function concatRows(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows + b.rows, a.cols);
  out.data.set(a.data);
  out.data.set(b.data, a.data.length);
  return out;
}

export function concatTargets<T extends Int32Array | Float32Array>(a: T, b: T): T {
  const out = new (a.constructor as new (n: number) => T)(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function targetScale(y: Float32Array): { mean: number; std: number } {
  let mean = 0;
  for (const v of y) mean += v;
  mean /= y.length;
  let s = 0;
  for (const v of y) s += (v - mean) ** 2;
  const std = Math.sqrt(s / y.length);
  return { mean, std: std > 0 ? std : 1 };
}

/** output = std · (x·W + b) + mean, as new weights of the (linear) output layer. */
function foldTargetScale(model: Sequential, s: { mean: number; std: number }): void {
  const weights = model.getWeights();
  const kernel = weights[weights.length - 2] as Matrix;
  const bias = weights[weights.length - 1] as Float32Array;
  weights[weights.length - 2] = new Matrix(
    kernel.rows,
    kernel.cols,
    kernel.data.map((w) => w * s.std),
  );
  weights[weights.length - 1] = bias.map((b) => b * s.std + s.mean);
  model.setWeights(weights);
}
