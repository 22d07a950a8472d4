// BackupAndRestore (Keras 3's keras/src/callbacks/backup_and_restore.py): saves the model with its
// optimizer state and training position after every epoch; when the same fit starts again after an
// interruption, training resumes after the last completed epoch, with the same shuffle/dropout
// streams, so the result equals an uninterrupted run. The backup is deleted when fit completes.
import { access, mkdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModel } from '../io/model-file.js';
import { Matrix, describe } from '../matrix.js';
import { checkKeys } from '../names.js';
import { Callback } from './callback.js';

export interface BackupAndRestoreOptions {
  /** Delete the backup when fit completes (Keras's delete_checkpoint). Default true. */
  deleteCheckpoint?: boolean;
}

const FILE = 'backup.myelin';

export class BackupAndRestore extends Callback {
  readonly backupDir: string;
  readonly deleteCheckpoint: boolean;

  constructor(backupDir: string, options: BackupAndRestoreOptions = {}) {
    super();
    if (typeof backupDir !== 'string' || backupDir === '')
      throw new TypeError(`BackupAndRestore: backupDir must be a non-empty string, got ${describe(backupDir)}`);
    if (options === null || typeof options !== 'object')
      throw new TypeError(`BackupAndRestore: options must be an object, got ${describe(options)}`);
    checkKeys(options, ['deleteCheckpoint'], 'BackupAndRestore');
    if (options.deleteCheckpoint !== undefined && typeof options.deleteCheckpoint !== 'boolean')
      throw new TypeError(`BackupAndRestore: deleteCheckpoint must be a boolean, got ${describe(options.deleteCheckpoint)}`);
    this.backupDir = backupDir;
    this.deleteCheckpoint = options.deleteCheckpoint ?? true;
  }

  /** The backup file inside backupDir. */
  get path(): string {
    return join(this.backupDir, FILE);
  }

  override async onTrainBegin(): Promise<void> {
    const model = this.model!;
    const exists = await access(this.path).then(() => true, () => false);
    if (!exists) return;
    const fail = (why: string): never => {
      throw new Error(`BackupAndRestore: cannot resume from ${this.path}: ${why}; delete it to start over`);
    };
    const saved = await loadModel(this.path).catch((e: Error) => fail(e.message));
    const shapes = (ws: (Matrix | Float32Array)[]) => ws.map((w) => (w instanceof Matrix ? `${w.rows}x${w.cols}` : `${w.length}`));
    const have = shapes(model.getWeights()).join(', '), got = shapes(saved.getWeights()).join(', ');
    if (have !== got) fail(`its weights have shapes [${got}] but this model's are [${have}]`);
    const savedOpt = saved.optimizer?.className, opt = model.optimizer?.className;
    if (savedOpt !== opt) fail(`it was trained with ${savedOpt ?? 'no optimizer'}, this model is compiled with ${opt}`);
    model.setWeights(saved.getWeights());
    model.setOptimizerState(saved.getOptimizerState());
    model.epochsTrained = saved.epochsTrained;
    model.trainingSeed = saved.trainingSeed;
    model.resumeEpoch = saved.epochsTrained;
  }

  override async onEpochEnd(): Promise<void> {
    await mkdir(this.backupDir, { recursive: true });
    await this.model!.save(this.path);
  }

  override async onTrainEnd(): Promise<void> {
    if (!this.deleteCheckpoint) return;
    await rm(this.path, { force: true });
    // Only the folder this callback made empty: never a folder that holds anything else.
    await rmdir(this.backupDir).catch(() => undefined);
  }
}
