// MonitorCallback (Keras 3's keras/src/callbacks/monitor_callback.py): the base of callbacks that watch
// one log value — which key, which direction is better, by how much it must change to count.
import { describe } from '../matrix.js';
import { monitorMode, type MonitorName } from '../metrics.js';
import { Callback, type Logs } from './callback.js';

export type MonitorMode = 'auto' | 'min' | 'max';

export interface MonitorOptions {
  /** The log key to watch. Default 'val_loss'. */
  monitor?: MonitorName;
  /** 'min', 'max', or 'auto' (default): 'max' for accuracies and other scores, else 'min'. */
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement (absolute value used). */
  minDelta?: number;
  /** A value the monitored one must beat (null: none). */
  baseline?: number | null;
}

export abstract class MonitorCallback extends Callback {
  readonly monitor: string;
  /** Which way is better: the mode passed, with 'auto' resolved from the monitor's name. */
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly baseline: number | null;

  /** `who` names the callback in error messages; `minDelta` is its default for options.minDelta. */
  constructor(who: string, options: MonitorOptions, minDelta = 0) {
    super();
    const { mode = 'auto', baseline = null } = options;
    const monitor: string = options.monitor ?? 'val_loss';
    if (typeof monitor !== 'string' || monitor === '')
      throw new TypeError(`${who}: monitor must be a log key such as 'val_loss', got ${describe(monitor)}`);
    if (!['auto', 'min', 'max'].includes(mode))
      throw new RangeError(`${who}: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
    const delta = options.minDelta ?? minDelta;
    if (typeof delta !== 'number' || !Number.isFinite(delta))
      throw new RangeError(`${who}: minDelta must be a finite number, got ${describe(options.minDelta)}`);
    if (baseline !== null && (typeof baseline !== 'number' || Number.isNaN(baseline)))
      throw new TypeError(`${who}: baseline must be a number or null, got ${describe(baseline)}`);
    this.monitor = monitor;
    this.mode = mode === 'auto' ? monitorMode(monitor) : mode;
    this.minDelta = Math.abs(delta);
    this.baseline = baseline;
  }

  /** True when `value` beats `reference` by more than minDelta in the mode's direction (null: nothing yet). */
  isImprovement(value: number, reference: number | null): boolean {
    if (reference === null) return true;
    return this.mode === 'max' ? value - this.minDelta > reference : value + this.minDelta < reference;
  }

  /** The monitored value in `logs` (undefined when absent). */
  protected monitored(logs: Logs): number | undefined {
    return logs[this.monitor];
  }

  /** What to tell the user when the monitored key is absent. */
  protected missing(who: string, logs: Logs): string {
    return `${who}: monitor '${this.monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')}`;
  }
}
