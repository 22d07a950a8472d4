// What the CLI keeps with a model: the task, the target's name, the feature columns by name and the
// class names, in model.metadata ({ task, target, featureNames, classNames }), which every file format
// keeps; a model saved from code with those keys is read the same way. The standardization travels as
// the model's preprocessing.
import { loadModel, ModelFileError, readCsv, type Matrix, type Sequential, type StandardScaler } from '../index.js';
import { readFormat, type ModelFormat } from '../io/formats.js';
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
  /** The file's format (recognised from its content). */
  format: ModelFormat;
  model: Sequential;
  meta: TrainedMeta;
  /** Describes the attached preprocessing, or null. */
  preprocessing: string | null;
}

export async function saveTrained(model: Sequential, scaler: StandardScaler, meta: TrainedMeta, path: string): Promise<void> {
  // From here on the model standardizes raw rows itself (predict applies its preprocessing).
  model.setPreprocessing(scaler);
  const notes = { task: meta.task, target: meta.target, featureNames: meta.featureNames, classNames: meta.classNames };
  model.metadata = { ...model.metadata, ...JSON.parse(JSON.stringify(notes)) };
  try {
    await model.save(path);
  } catch (e) {
    throw new CliError(`cannot save the model to ${path}: ${(e as Error).message.replace(/^save: /, '')}`);
  }
}

export async function loadTrained(path: string): Promise<Trained> {
  let model: Sequential;
  try {
    model = await loadModel(path);
  } catch (e) {
    if (e instanceof ModelFileError && /ENOENT/.test(e.problem)) throw new CliError(`cannot read the model file ${path}: no such file`);
    throw e;
  }
  const pre = model.preprocessing?.toJSON() as { className?: string } | undefined;
  const meta = readMeta(model.metadata, model, path);
  return { path, format: await readFormat(path), model, meta, preprocessing: pre?.className ? `${pre.className} (learnt on the training rows; applied to raw inputs)` : null };
}

function readMeta(notes: Record<string, unknown>, model: Sequential, path: string): TrainedMeta {
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (notes.task !== undefined || notes.featureNames !== undefined) {
    const c = notes;
    if ((c.task !== 'classification' && c.task !== 'regression') || !strings(c.featureNames) || (c.classNames !== undefined && !strings(c.classNames)))
      throw new CliError(`${path}: the model's metadata does not hold the CLI's notes (task, featureNames, classNames)`);
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
