// History (Keras's keras/src/callbacks/history.py): per-epoch logs by key; fit returns it.
import { Callback, type Logs } from './callback.js';

export class History extends Callback {
  /** One value per epoch run, by key: 'loss', '<metric>', 'val_loss', 'val_<metric>' (names as compiled). */
  history: Record<string, number[]> = {};
  /** Absolute (0-based) index of each epoch run. */
  epoch: number[] = [];

  override onTrainBegin(): void {
    this.epoch = [];
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      this.history[k] ??= [];
      this.history[k].push(v);
    }
  }
}
