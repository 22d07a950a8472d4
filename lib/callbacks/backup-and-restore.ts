// BackupAndRestore (Keras 3's keras/src/callbacks/backup_and_restore.py): saves the model with its
// optimizer state and training position after every epoch; when the same fit starts again after an
// interruption, training resumes after the last completed epoch, with the same shuffle/dropout
// streams, so the result equals an uninterrupted run. The backup is deleted when fit completes.
import { readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFile } from '../io/format.js';
import { Matrix, describe } from '../matrix.js';
import { checkKeys } from '../names.js';
import { Callback } from './callback.js';
import { makeFolder } from '../io/folders.js';

export interface BackupAndRestoreOptions {
  /** Delete the backup when fit completes (Keras's delete_checkpoint). Default true. */
  deleteCheckpoint?: boolean;
}

const FILE = 'backup.myelin';
const SLOT = 'optimizer/slot_';

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
      throw new TypeError(
        `BackupAndRestore: deleteCheckpoint must be a boolean, got ${describe(options.deleteCheckpoint)}`,
      );
    this.backupDir = backupDir;
    this.deleteCheckpoint = options.deleteCheckpoint ?? true;
  }

  /** The backup file inside backupDir (a model file: loadModel reads it too). */
  get path(): string {
    return join(this.backupDir, FILE);
  }

  override async onTrainBegin(): Promise<void> {
    const model = this.model!;
    const bytes = await readFile(this.path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (bytes === null) return;
    const fail = (why: string): never => {
      throw new Error(`BackupAndRestore: cannot resume from ${this.path}: ${why}; delete it to start over`);
    };
    let file: ReturnType<typeof decodeFile>;
    try {
      file = decodeFile(bytes, this.path);
    } catch (e) {
      return fail((e as Error).message);
    }
    const meta = file.meta as {
      training?: { epoch?: unknown; seed?: unknown };
      optimizer?: { iterations?: unknown } | null;
    };
    const slots = file.tensors.filter((t) => t.name.startsWith(SLOT));
    const weights = file.tensors.filter((t) => !t.name.startsWith(SLOT));
    const have = model.getWeights().map((w) => (w instanceof Matrix ? [w.rows, w.cols] : [w.length]).join('x'));
    const got = weights.map((t) => t.shape.join('x'));
    if (have.join() !== got.join())
      fail(`its weights have shapes [${got.join(', ')}] but this model's are [${have.join(', ')}]`);
    const epoch = meta.training?.epoch,
      seed = meta.training?.seed,
      iterations = meta.optimizer?.iterations;
    if (!Number.isInteger(epoch) || !Number.isInteger(iterations) || (seed !== null && !Number.isInteger(seed)))
      fail('its training position is missing or invalid');
    try {
      model.restoreTraining({
        weights: weights.map((t) => t.data),
        optimizer: { iterations: iterations as number, slots: slots.map((t) => t.data) },
        epoch: epoch as number,
        seed: seed as number | null,
      });
    } catch (e) {
      fail((e as Error).message);
    }
  }

  override async onEpochEnd(): Promise<void> {
    await makeFolder(this.backupDir);
    await this.model!.save(this.path);
  }

  override async onTrainEnd(): Promise<void> {
    if (!this.deleteCheckpoint) return;
    await rm(this.path, { force: true });
    // Only the folder this callback made empty: never a folder that holds anything else.
    await rmdir(this.backupDir).catch(() => undefined);
  }
}
