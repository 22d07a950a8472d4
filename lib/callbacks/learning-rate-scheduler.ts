// LearningRateScheduler (Keras 3's keras/src/callbacks/learning_rate_scheduler.py): at the start of
// each epoch, sets the optimizer's rate to schedule(epoch, currentRate); at its end it adds the rate
// to the logs as 'learning_rate' (so History has it), as Keras 3 does.
import { describe } from '../matrix.js';
import { Callback, type Logs } from './callback.js';

/** (epoch (0-based), current rate) → the rate for this epoch. */
export type LearningRateFunction = (epoch: number, learningRate: number) => number;

export class LearningRateScheduler extends Callback {
  readonly schedule: LearningRateFunction;
  readonly verbose: number;

  constructor(schedule: LearningRateFunction, verbose = 0) {
    super();
    if (typeof schedule !== 'function')
      throw new TypeError(
        `LearningRateScheduler: schedule must be a function (epoch, lr) => lr, got ${describe(schedule)}`,
      );
    if (verbose !== 0 && verbose !== 1)
      throw new RangeError(`LearningRateScheduler: verbose must be 0 or 1, got ${describe(verbose)}`);
    this.schedule = schedule;
    this.verbose = verbose;
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = this.model!.optimizer!;
    const lr = this.schedule(epoch, optimizer.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0)
      throw new RangeError(
        `LearningRateScheduler: the schedule returned ${describe(lr)} for epoch ${epoch}; it must return a finite number > 0`,
      );
    optimizer.learningRate = lr;
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs['learning_rate'] = this.model!.optimizer!.learningRate;
  }
}
