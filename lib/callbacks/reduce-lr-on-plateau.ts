// ReduceLROnPlateau (Keras 3's keras/src/callbacks/reduce_lr_on_plateau.py): multiplies the learning
// rate by `factor` after `patience` epochs without improvement, then waits `cooldown` epochs. It adds
// the current rate to the epoch logs as 'learning_rate' (so History has it), as Keras 3 does.
import { checkKeys, given } from '../names.js';
import type { Logs } from './callback.js';
import { MonitorCallback, type MonitorOptions } from './monitor.js';

/** monitor (default 'val_loss'), mode, minDelta (default 1e-4); no baseline. */
export interface ReduceLROnPlateauOptions extends Omit<MonitorOptions, 'baseline'> {
  /** New rate = rate * factor; must be < 1. Default 0.1. */
  factor?: number;
  /** Default 10. */
  patience?: number;
  verbose?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound on the rate. Default 0. */
  minLr?: number;
}

export class ReduceLROnPlateau extends MonitorCallback {
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly cooldown: number;
  readonly minLr: number;
  private best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    checkKeys(
      options,
      ['monitor', 'factor', 'patience', 'verbose', 'mode', 'minDelta', 'cooldown', 'minLr'],
      'ReduceLROnPlateau',
    );
    super('ReduceLROnPlateau', options, 1e-4);
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor > 0))
      throw new RangeError(`ReduceLROnPlateau: factor must be in (0, 1), got ${given(options.factor)}`);
    this.patience = options.patience ?? 10;
    this.verbose = options.verbose ?? 0;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
  }

  override onTrainBegin(): void {
    this.best = this.mode === 'max' ? -Infinity : Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = this.model!.optimizer!;
    logs['learning_rate'] = optimizer.learningRate;
    const current = this.monitored(logs);
    if (current === undefined) {
      console.warn(this.missing('ReduceLROnPlateau', logs));
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait += 1;
      if (this.wait >= this.patience && optimizer.learningRate > this.minLr) {
        const lr = Math.max(optimizer.learningRate * this.factor, this.minLr);
        optimizer.learningRate = lr;
        if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lr}.`);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }
}
