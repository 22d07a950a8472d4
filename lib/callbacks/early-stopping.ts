// EarlyStopping with Keras 3's rules (keras/src/callbacks/early_stopping.py): `wait` counts epochs
// since the last improvement; training stops at the end of the epoch where wait reaches patience
// (never after epoch 0); an improvement returns before the patience test (so patience 0 does not stop
// an improving run); restoreBestWeights restores the best epoch's weights at the end of training,
// whether or not training stopped early.
import type { Matrix } from '../matrix.js';
import { checkKeys, given } from '../names.js';
import type { Logs } from './callback.js';
import { MonitorCallback, type MonitorOptions } from './monitor.js';

/** monitor (default 'val_loss'), mode, minDelta (default 0); training stops unless the monitored value
 *  beats `baseline` within `patience` epochs. */
export interface EarlyStoppingOptions extends MonitorOptions {
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** 1 prints when it stops and restores. Default 0. */
  verbose?: number;
  restoreBestWeights?: boolean;
  /** Epochs to wait before monitoring starts. Default 0. */
  startFromEpoch?: number;
}

export class EarlyStopping extends MonitorCallback {
  readonly patience: number;
  readonly verbose: number;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Absolute epoch index at which training was stopped, 0 if it was not. */
  stoppedEpoch = 0;
  bestEpoch = 0;
  best: number | null = null;
  private wait = 0;
  private bestWeights: (Matrix | Float32Array)[] | null = null;
  private warned = false;

  constructor(options: EarlyStoppingOptions = {}) {
    checkKeys(
      options,
      ['monitor', 'minDelta', 'patience', 'verbose', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch'],
      'EarlyStopping',
    );
    super('EarlyStopping', options);
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0)
      throw new RangeError(`EarlyStopping: patience must be an integer >= 0, got ${given(options.patience)}`);
    this.verbose = options.verbose ?? 0;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = options.startFromEpoch ?? 0;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = this.monitored(logs);
    if (current === undefined) {
      if (!this.warned) console.warn(this.missing('EarlyStopping', logs));
      this.warned = true;
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      // Until something improves, the current weights are the best.
      this.bestWeights = this.model!.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model!.getWeights();
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose > 0)
        console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model!.setWeights(this.bestWeights);
    }
  }
}
