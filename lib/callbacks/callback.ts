// The callback framework (Keras's keras/src/callbacks/callback.py, callback_list.py): a base class
// whose hooks fit calls between native epochs, and plain objects with the same hooks. Callbacks see the
// model through TrainingModel, so lib/callbacks depends on no model class.
import type { OptimizerState } from '../engine/contract.js';
import type { Matrix } from '../matrix.js';
import type { Optimizer } from '../optimizers.js';

/** Epoch results by History key ('loss', 'accuracy', 'val_loss', ...). Callbacks may add keys. */
export type Logs = Record<string, number>;

/** What a callback may use of the model being trained (Sequential implements it). */
export interface TrainingModel {
  readonly name: string;
  /** Setting true stops training after the current epoch. */
  stopTraining: boolean;
  /** The compiled optimizer; its learningRate may be changed between epochs. */
  readonly optimizer: Optimizer | null;
  /** Epochs trained so far (the initialEpoch that resumes training). */
  readonly epochsTrained: number;
  getWeights(): (Matrix | Float32Array)[];
  setWeights(weights: readonly (Matrix | Float32Array)[]): void;
  /** Writes the model file (see Sequential.save); allowed between epochs. */
  save(path: string): Promise<void>;
  /** @internal BackupAndRestore, in onTrainBegin: restores a backup's weights, optimizer state and training
   *  position; the fit then starts at `epoch` with the backup's shuffle/dropout seed. */
  restoreTraining(state: TrainingState): void;
}

/** What BackupAndRestore restores. */
export interface TrainingState {
  weights: Float32Array[];
  optimizer: OptimizerState;
  epoch: number;
  seed: number | null;
}

/** What fit tells callbacks (Keras's `params`). */
export interface FitParams {
  verbose: number;
  epochs: number;
  /** Batches per epoch. */
  steps: number;
}

/**
 * Hooks a callback may implement; each may return a promise, which fit awaits. `onBatchEnd` is
 * called during an epoch at most every 100 ms (batches run natively), with the running loss, and
 * for each epoch's last batch.
 */
export interface CallbackHooks {
  setModel?(model: TrainingModel): void;
  setParams?(params: FitParams): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** The hooks fit calls; `HOOKS_NOT_CALLED` are Keras's others, refused by fit rather than silently never called. */
export const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchEnd'] as const;
const HOOKS_NOT_CALLED = [
  'onBatchBegin',
  ...['TrainBatch', 'Test', 'TestBatch', 'Predict', 'PredictBatch'].flatMap((h) => [`on${h}Begin`, `on${h}End`]),
];

/** The first of Keras's hooks myelin does not call that `c` defines, if any. */
export function uncalledHook(c: object): string | undefined {
  return HOOKS_NOT_CALLED.find((h) => typeof (c as Record<string, unknown>)[h] === 'function');
}

export abstract class Callback implements CallbackHooks {
  /** The model being trained (set by fit). */
  model: TrainingModel | null = null;
  params: FitParams = { verbose: 0, epochs: 0, steps: 0 };

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  setParams(params: FitParams): void {
    this.params = params;
  }

  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** Calls every callback's hook in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: CallbackHooks[]) {}

  setup(model: TrainingModel, params: FitParams): void {
    for (const c of this.callbacks) {
      if (c.setModel) c.setModel(model);
      else (c as { model?: TrainingModel }).model = model;
      if (c.setParams) c.setParams(params);
    }
  }

  get wantsBatches(): boolean {
    return this.callbacks.some((c) => typeof c.onBatchEnd === 'function');
  }

  async onTrainBegin(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(logs);
  }
  async onTrainEnd(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.(logs);
  }
  async onEpochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch, logs);
  }
  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch, logs);
  }
  /** The first error an onBatchEnd hook threw or rejected with (fit rethrows it after the epoch). */
  batchError: unknown = null;

  /** Not awaited: it runs while the engine trains. An error stops training after the epoch. */
  onBatchEnd(batch: number, logs: Logs, stop: () => void): void {
    const fail = (err: unknown) => {
      this.batchError ??= err;
      stop();
    };
    for (const c of this.callbacks) {
      try {
        const r = c.onBatchEnd?.(batch, logs);
        if (r instanceof Promise) r.catch(fail);
      } catch (err) {
        fail(err);
      }
    }
  }
}
