// ModelCheckpoint (Keras's keras/src/callbacks/model_checkpoint.py): saves the model at the end of
// epochs, to a path that may name the epoch and any log value, optionally only when it improved.
import { dirname } from 'node:path';
import { checkFilepathTemplate, formatFilepath } from '../io/filepath-template.js';
import type { Logs } from './callback.js';
import { MonitorCallback, type MonitorOptions } from './monitor.js';
import { makeFolder } from '../io/folders.js';

/** monitor (default 'val_loss', what saveBestOnly compares), mode, minDelta (default 0). */
export interface ModelCheckpointOptions extends Omit<MonitorOptions, 'baseline'> {
  /** Where to save; `{epoch}` (1-based, as Keras) and log keys (`{val_loss:.4f}`) are filled in. */
  filepath: string;
  /** Save only when `monitor` improves on the best so far. Default false (save every epoch). */
  saveBestOnly?: boolean;
  /** Save every this many epochs (default 1). */
  period?: number;
  /** 1 prints a line per save. */
  verbose?: 0 | 1;
  /** Only save when the monitored value beats this (Keras initial_value_threshold). */
  initialValueThreshold?: number;
}

export class ModelCheckpoint extends MonitorCallback {
  readonly filepath: string;
  readonly saveBestOnly: boolean;
  readonly period: number;
  readonly verbose: 0 | 1;
  /** Best monitored value so far (±Infinity before the first). */
  best: number;
  /** Path of the last file written (null before the first save). */
  lastSaved: string | null = null;

  constructor(options: ModelCheckpointOptions) {
    if (!options || typeof options.filepath !== 'string' || options.filepath === '')
      throw new TypeError('ModelCheckpoint: filepath must be a non-empty string');
    const { initialValueThreshold = null } = options;
    super('ModelCheckpoint', { ...options, baseline: initialValueThreshold });
    checkFilepathTemplate(options.filepath);
    this.filepath = options.filepath;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.period = options.period ?? 1;
    if (!Number.isInteger(this.period) || this.period < 1)
      throw new RangeError(`ModelCheckpoint: period must be an integer >= 1, got ${options.period}`);
    this.verbose = options.verbose ?? 0;
    this.best = this.baseline ?? (this.mode === 'min' ? Infinity : -Infinity);
  }

  override onTrainBegin(): void {
    // Keras keeps `best` across fits of one callback object; so do we (resume with the same object).
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if ((epoch + 1) % this.period !== 0) return;
    const model = this.model;
    if (!model) throw new Error('ModelCheckpoint: no model (pass the callback to fit)');
    let path: string;
    try {
      path = formatFilepath(this.filepath, { epoch: epoch + 1, ...logs });
    } catch (e) {
      throw new Error(`ModelCheckpoint: ${(e as Error).message}`);
    }
    if (this.saveBestOnly) {
      const v = this.monitored(logs);
      if (v === undefined)
        throw new Error(
          `ModelCheckpoint: monitor '${this.monitor}' is not in the logs (${Object.keys(logs).join(', ')}); ` +
            `pass validationData or validationSplit to fit, or choose another monitor`,
        );
      if (!this.isImprovement(v, this.best)) {
        if (this.verbose)
          console.log(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best.toPrecision(5)}`);
        return;
      }
      if (this.verbose)
        console.log(
          `Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best.toPrecision(5)} to ${v.toPrecision(5)}, saving model to ${path}`,
        );
      this.best = v;
    } else if (this.verbose) console.log(`Epoch ${epoch + 1}: saving model to ${path}`);
    await makeFolder(dirname(path)).catch((e: Error) => {
      throw new Error(`ModelCheckpoint: cannot create the folder of ${path}: ${e.message}`, { cause: e });
    });
    await model.save(path);
    this.lastSaved = path;
  }
}
