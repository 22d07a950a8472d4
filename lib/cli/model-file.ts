// What the CLI keeps with a model: the task, the target's name, the feature columns by name and the
// class names, in model.metadata ({ task, target, featureNames, classNames }), which every file format
// keeps; a model saved from code with those keys is read the same way. The preprocessing (imputation,
// one-hot encoding, standardization) travels as the model's preprocessing.
import {
  loadModel,
  ModelFileError,
  Preprocessor,
  readCsv,
  type CsvData,
  type Preprocessing,
  type ReadCsvOptions,
  type Sequential,
  type Table,
} from '../index.js';
import { readFormat, type ModelFormat } from '../io/formats.js';
import { CliError, UsageError } from './errors.js';
import { checkReadable, dataSource, reason } from './input.js';
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

export async function saveTrained(
  model: Sequential,
  pre: Preprocessing,
  meta: TrainedMeta,
  path: string,
): Promise<void> {
  // From here on the model prepares raw rows itself (predict applies its preprocessing).
  model.setPreprocessing(pre);
  const notes = { task: meta.task, target: meta.target, featureNames: meta.featureNames, classNames: meta.classNames };
  model.metadata = { ...model.metadata, ...JSON.parse(JSON.stringify(notes)) };
  try {
    await model.save(path);
  } catch (e) {
    throw new CliError(`cannot save the model to ${path}: ${(e as Error).message.replace(/^save: /, '')}`);
  }
}

export async function loadTrained(path: string): Promise<Trained> {
  await checkReadable(path);
  let model: Sequential;
  try {
    model = await loadModel(path);
  } catch (e) {
    if (e instanceof ModelFileError && /ENOENT/.test(e.problem))
      throw new CliError(`cannot read ${path}: ${reason({ code: 'ENOENT' })}`);
    throw e;
  }
  const meta = readMeta(model.metadata, model, path);
  return {
    path,
    format: await readFormat(path),
    model,
    meta,
    preprocessing: describePreprocessing(model.preprocessing),
  };
}

/** One line on what the model does to raw rows. */
export function describePreprocessing(pre: Preprocessing | null): string | null {
  if (!pre) return null;
  if (!(pre instanceof Preprocessor))
    return `${pre.toJSON().className} (learnt on the training rows; applied to raw inputs)`;
  const cats = pre.columns.filter((c) => c.type === 'category');
  const steps = [`missing numbers → ${pre.impute}`];
  if (cats.length)
    steps.push(
      `missing categories → most frequent`,
      `one-hot: ${cats.map((c) => `${c.name} (${c.type === 'category' ? c.categories.length : 0})`).join(', ')}`,
    );
  if (pre.scale) steps.push('numbers standardized');
  return `${steps.join('; ')} (learnt on the training rows; applied to raw inputs)`;
}

function readMeta(notes: Record<string, unknown>, model: Sequential, path: string): TrainedMeta {
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (notes.task !== undefined || notes.featureNames !== undefined) {
    const c = notes;
    if (
      (c.task !== 'classification' && c.task !== 'regression') ||
      !strings(c.featureNames) ||
      (c.classNames !== undefined && !strings(c.classNames))
    )
      throw new CliError(
        `${path}: the model's metadata does not hold the CLI's notes (task, featureNames, classNames)`,
      );
    const width = model.preprocessing instanceof Preprocessor ? model.preprocessing.nInputs : model.inputDim;
    if ((c.featureNames as string[]).length !== width)
      throw new CliError(
        `${path}: the file names ${(c.featureNames as string[]).length} features but the model takes ${width}`,
      );
    return {
      task: c.task,
      target: typeof c.target === 'string' ? c.target : undefined,
      featureNames: c.featureNames as string[],
      classNames: c.classNames as string[] | undefined,
      fromCli: true,
    };
  }
  // A model saved from code: a sigmoid or softmax output means a classifier.
  const last = model.layers[model.layers.length - 1] as unknown as { activation?: string };
  const classifier = last?.activation === 'sigmoid' || last?.activation === 'softmax';
  return { task: classifier ? 'classification' : 'regression', fromCli: false };
}

/** How to read a data file's feature columns for this model: by name, with its categories and missing cells. */
export function featureOptions(t: Trained): ReadCsvOptions {
  const pre = t.model.preprocessing;
  const o: ReadCsvOptions = t.meta.featureNames ? { features: t.meta.featureNames } : {};
  if (!(pre instanceof Preprocessor)) return o;
  const categories: Record<string, string[]> = {};
  for (const c of pre.columns) if (c.type === 'category') categories[c.name] = c.categories;
  return { ...o, missing: true, categorical: true, categories, delimiter: 'auto' };
}

/** The model's feature columns from a CSV, by name when the model knows them (other columns ignored). */
export async function readFeatures(t: Trained, file: string): Promise<Table> {
  await checkReadable(file);
  const csv = await readCsv(dataSource(file), featureOptions(t));
  checkWidth(t, csv, file);
  return csv;
}

/** Features and the true labels (as class indexes of the model's classes) or values. */
export async function readLabelled(
  t: Trained,
  file: string,
  target: string,
): Promise<{ x: Table; y: Int32Array | Float32Array; dropped: number }> {
  await checkReadable(file);
  if (t.meta.featureNames?.includes(target))
    throw new UsageError(
      `--target "${target}" is one of the model's features (${t.meta.featureNames.join(', ')}); name the column ` +
        `that holds the true ${t.meta.task === 'classification' ? 'labels' : 'values'}${t.meta.target ? ` ("${t.meta.target}" in training)` : ''}`,
      'evaluate',
    );
  const classNames = t.meta.task === 'classification' ? t.meta.classNames : undefined;
  const csv = await readCsv(dataSource(file), {
    target,
    ...featureOptions(t),
    ...(classNames ? { classNames } : { targetType: t.meta.task === 'regression' ? 'number' : 'auto' }),
    missing: true,
    missingTarget: 'drop',
  });
  checkWidth(t, csv, file);
  return { x: csv, y: csv.y!, dropped: csv.droppedRows };
}

export function checkWidth(t: Trained, csv: CsvData, file: string): void {
  const pre = t.model.preprocessing;
  const width = pre instanceof Preprocessor ? pre.nInputs : t.model.inputDim;
  if (csv.x.cols !== width)
    throw new CliError(
      `${file} has ${csv.x.cols} feature columns (${csv.featureNames.join(', ')}) but the model takes ${width}`,
    );
}
