// ReduceLROnPlateau (Keras 3's keras/src/callbacks/reduce_lr_on_plateau.py): multiplies the learning
// rate by `factor` after `patience` epochs without improvement, then waits `cooldown` epochs. It adds
// the current rate to the epoch logs as 'learning_rate' (so History has it), as Keras 3 does.
import { isMaximized } from '../metrics.js';
import { checkKeys } from '../names.js';
import { Callback, type Logs } from './callback.js';

export interface ReduceLROnPlateauOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** New rate = rate * factor; must be < 1. Default 0.1. */
  factor?: number;
  /** Default 10. */
  patience?: number;
  verbose?: number;
  mode?: 'auto' | 'min' | 'max';
  /** Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound on the rate. Default 0. */
  minLr?: number;
}

export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: 'auto' | 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super();
    checkKeys(options, ['monitor', 'factor', 'patience', 'verbose', 'mode', 'minDelta', 'cooldown', 'minLr'], 'ReduceLROnPlateau');
    this.monitor = options.monitor ?? 'val_loss';
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor > 0))
      throw new RangeError(`ReduceLROnPlateau: factor must be in (0, 1), got ${String(options.factor)}`);
    this.patience = options.patience ?? 10;
    this.verbose = options.verbose ?? 0;
    this.mode = options.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(this.mode))
      throw new Error(`ReduceLROnPlateau: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(options.mode)}`);
    this.minDelta = options.minDelta ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
  }

  private get maximize(): boolean {
    return this.mode === 'max' || (this.mode === 'auto' && isMaximized(this.monitor));
  }

  override onTrainBegin(): void {
    this.best = this.maximize ? -Infinity : Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = this.model!.optimizer!;
    logs['learning_rate'] = optimizer.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`ReduceLROnPlateau: monitor '${this.monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')}`);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    const improved = this.maximize ? current > this.best + this.minDelta : current < this.best - this.minDelta;
    if (improved) {
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
