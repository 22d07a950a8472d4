// What the CLI keeps in a model file besides the model: the task, the target's name, the feature
// columns by name and the class names, under the file header's "cli" key (loadModel ignores it, so
// the file stays an ordinary myelin model). The standardization travels as the model's preprocessing.
import { readFile } from 'node:fs/promises';
import { readCsv, type Matrix, type Sequential, type StandardScaler } from '../index.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { decodeFile, encodeFile } from '../io/format.js';
import { modelFromBytes } from '../io/model-file.js';
import { modelToBytes } from '../io/model-save.js';
import { CliError } from './errors.js';
import type { Task } from './task.js';

export interface TrainedMeta {
  task: Task;
  target?: string;
  featureNames?: string[];
  classNames?: string[];
  /** False for a model saved by a program rather than `myelin train` (its notes are inferred). */
  fromCli?: boolean;
}

export interface Trained {
  path: string;
  model: Sequential;
  meta: TrainedMeta;
  /** Describes the attached preprocessing, or null. */
  preprocessing: string | null;
}

export async function saveTrained(model: Sequential, scaler: StandardScaler, meta: TrainedMeta, path: string): Promise<void> {
  // From here on the model standardizes raw rows itself (predict applies its preprocessing).
  model.setPreprocessing(scaler);
  const { meta: header, tensors } = decodeFile(modelToBytes(model, 'save'), path);
  const cli = { task: meta.task, target: meta.target, featureNames: meta.featureNames, classNames: meta.classNames };
  try {
    await writeFileAtomic(path, encodeFile({ ...header, cli }, tensors));
  } catch (e) {
    throw new CliError(`cannot save the model to ${path}: ${(e as Error).message}`);
  }
}

export async function loadTrained(path: string): Promise<Trained> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CliError(`cannot read the model file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const model = modelFromBytes(bytes, path);
  const header = decodeFile(bytes, path).meta;
  const pre = header.preprocessing as { className?: string } | null | undefined;
  const meta = readMeta(header.cli, model, path);
  return { path, model, meta, preprocessing: pre?.className ? `${pre.className} (learnt on the training rows; applied to raw inputs)` : null };
}

function readMeta(cli: unknown, model: Sequential, path: string): TrainedMeta {
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (cli && typeof cli === 'object') {
    const c = cli as Record<string, unknown>;
    if ((c.task !== 'classification' && c.task !== 'regression') || !strings(c.featureNames) || (c.classNames !== undefined && !strings(c.classNames)))
      throw new CliError(`${path}: the CLI's notes in the model file are damaged (task, featureNames, classNames)`);
    if ((c.featureNames as string[]).length !== model.inputDim) throw new CliError(`${path}: the file names ${(c.featureNames as string[]).length} features but the model takes ${model.inputDim}`);
    return { task: c.task, target: typeof c.target === 'string' ? c.target : undefined, featureNames: c.featureNames as string[], classNames: c.classNames as string[] | undefined, fromCli: true };
  }
  // A model saved from code: a sigmoid or softmax output means a classifier.
  const last = model.layers[model.layers.length - 1] as unknown as { activation?: string };
  const classifier = last?.activation === 'sigmoid' || last?.activation === 'softmax';
  return { task: classifier ? 'classification' : 'regression', fromCli: false };
}

/** The model's feature columns from a CSV, by name when the model knows them (other columns ignored). */
export async function readFeatures(t: Trained, file: string): Promise<Matrix> {
  const csv = await readCsv(file, t.meta.featureNames ? { features: t.meta.featureNames } : {});
  checkWidth(t, csv.x.cols, csv.featureNames, file);
  return csv.x;
}

/** Features and the true labels (as class indexes of the model's classes) or values. */
export async function readLabelled(t: Trained, file: string, target: string): Promise<{ x: Matrix; y: Int32Array | Float32Array }> {
  const classNames = t.meta.task === 'classification' ? t.meta.classNames : undefined;
  const csv = await readCsv(file, {
    target,
    ...(t.meta.featureNames ? { features: t.meta.featureNames } : {}),
    ...(classNames ? { classNames } : { targetType: t.meta.task === 'regression' ? 'number' : 'auto' }),
  });
  checkWidth(t, csv.x.cols, csv.featureNames, file);
  return { x: csv.x, y: csv.y! };
}

function checkWidth(t: Trained, cols: number, names: string[], file: string): void {
  if (cols !== t.model.inputDim)
    throw new CliError(`${file} has ${cols} feature columns (${names.join(', ')}) but the model takes ${t.model.inputDim}`);
}
