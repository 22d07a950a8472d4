// `myelin train --memory SIZE` on a file larger than SIZE: the table is never held in memory. Every row
// goes to training, validation or test by a stable hash of its position in the file, so every pass
// agrees. Pass 1 learns the categories, the task and the preprocessing statistics (training rows only);
// training passes stream the training rows as a Dataset, with the validation rows for early stopping;
// a last pass scores the test rows. No refit here: that would be one more pass per epoch.
import {
  EarlyStopping,
  Matrix,
  readCsvBatches,
  streamStatistics,
  type CsvData,
  type History,
  type Preprocessor,
  type ReadCsvOptions,
  type Sequential,
  type TableBatch,
} from '../index.js';
import { categoryName } from '../data/csv-cells.js';
import { refuseNested, sortCategories } from '../data/table.js';
import { CliError } from './errors.js';
import { dataSource } from './input.js';
import { buildNetwork } from './network.js';
import type { Output } from './output.js';
import { progressCallback } from './progress.js';
import type { StageSetup } from './train-stage.js';
import { idColumns, ignoreHint } from './training-table.js';
import { MAX_AUTO_CLASSES, MAX_CLASSES, type Task } from './task.js';

export type Part = 'train' | 'val' | 'test';

export interface StreamPlan {
  file: string;
  target: string;
  read: ReadCsvOptions;
  fractions: { val: number; test: number };
  seed: number;
  batchRows: number;
  /** Missing numbers: the training rows' mean or exact median (one more pass), or rows with any missing cell dropped. */
  impute: 'mean' | 'median' | 'drop';
}

/** A row's part from its 0-based position in the file: a 32-bit integer hash, the same on every pass. */
export function partOf(row: number, seed: number, f: { val: number; test: number }): Part {
  let h = (row ^ Math.imul(seed + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  const u = ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
  return u < f.test ? 'test' : u < f.test + f.val ? 'val' : 'train';
}

interface Layout {
  names: string[];
  targetCol: number;
  categories: Record<string, string[]>;
  task: Task;
  classNames?: string[];
}

/** The rows of one part as { x, y } chunks: the target column split off, rows without a target skipped. */
async function* partBatches(
  plan: StreamPlan,
  layout: Layout | null,
  part: Part,
  onBatch?: (b: CsvData) => void,
): AsyncGenerator<TableBatch> {
  // The target's text too (kept) while the task is open or classification: class labels from it, not from its
  // float32 values (16777217 is 16777216 there). A regression target's text is not read (a string per row per
  // epoch made streamed training of the bench's 201 MB file take 26 s instead of 19).
  const keep = !layout || layout.task === 'classification' ? [plan.target] : [];
  const read: ReadCsvOptions = layout
    ? { ...plan.read, features: layout.names, categories: layout.categories, categorical: true, keep }
    : { ...plan.read, categorical: true, keep };
  let base = 0;
  for await (const b of readCsvBatches(dataSource(plan.file), { ...read, batchRows: plan.batchRows })) {
    onBatch?.(b);
    const t = layout?.targetCol ?? b.featureNames.indexOf(plan.target);
    if (t < 0)
      throw new CliError(`${plan.file} has no column named "${plan.target}"; columns: ${b.featureNames.join(', ')}`);
    const cols = b.x.cols;
    const rowsKept: number[] = [];
    const d = b.x.data;
    for (let i = 0; i < b.rows; i++)
      if (partOf(base + i, plan.seed, plan.fractions) === part && d[i * cols + t] === d[i * cols + t])
        if (plan.impute !== 'drop' || complete(d, i * cols, cols)) rowsKept.push(i);
    base += b.rows;
    const x = new Matrix(rowsKept.length, cols - 1);
    const y = new Float32Array(rowsKept.length);
    rowsKept.forEach((r, k) => {
      const row = b.x.data.subarray(r * cols, (r + 1) * cols);
      x.data.set(row.subarray(0, t), k * (cols - 1));
      x.data.set(row.subarray(t + 1), k * (cols - 1) + t);
      y[k] = row[t]!;
    });
    const drop = <T>(a: T[]) => a.filter((_, j) => j !== t);
    yield {
      x: { x, categories: b.categories && drop(b.categories), featureNames: drop(b.featureNames) },
      y: layout?.task === 'classification' ? classIds(rowsKept, b.kept![0]!, layout) : y,
    };
  }
}

function complete(d: Float32Array, from: number, cols: number): boolean {
  for (let k = from; k < from + cols; k++) if (d[k] !== d[k]) return false;
  return true;
}

/** A target cell's class name: as readCsv names categories (numbers in one spelling, exactly). */
function labelOf(text: string): string {
  const bytes = Buffer.from(text);
  return categoryName(bytes, 0, bytes.length);
}

function classIds(rows: number[], text: string[], layout: Layout): Int32Array {
  const index = new Map(layout.classNames!.map((n, i) => [n, i]));
  return Int32Array.from(rows, (r) => {
    const c = index.get(labelOf(text[r]!));
    if (c === undefined) throw new CliError(`the target ${JSON.stringify(text[r])} is none of the classes found`);
    return c;
  });
}

/** Pass 1: columns, categories, task and class names, the training rows' statistics, and the counts. */
export async function planPass(
  plan: StreamPlan,
  categorical: string[] | undefined,
): Promise<{ layout: Layout; preprocessor: Preprocessor; rows: Record<Part, number> }> {
  let last: CsvData | null = null;
  const values = new Set<string>(); // the target's names, every row's (all parts)
  const rows: Record<Part, number> = { train: 0, val: 0, test: 0 };
  const train = partBatches(plan, null, 'train', (b) => {
    last = b;
    const t = b.featureNames.indexOf(plan.target);
    if (t < 0) return;
    for (let i = 0; i < b.rows && values.size <= MAX_CLASSES; i++)
      if (b.x.data[i * b.x.cols + t] === b.x.data[i * b.x.cols + t]) values.add(labelOf(b.kept![0]![i]!));
  });
  const counted = async function* () {
    for await (const b of train) {
      rows.train += b.y.length;
      yield b;
    }
  };
  // Median imputation reads the training rows again (plain: the counts above are of the first pass).
  let passes = 0;
  const source = { [Symbol.asyncIterator]: () => (passes++ ? partBatches(plan, null, 'train') : counted()) };
  const impute = plan.impute === 'median' ? 'median' : 'mean';
  const { preprocessor } = await streamStatistics(source, { categorical, impute });
  const b = last as CsvData | null;
  if (!b) throw new CliError(`${plan.file} has no rows`);
  refuseNested(b, b.featureNames, plan.file, (n) => (n === plan.target ? 'choose another --target' : ignoreHint(n)));
  const t = b.featureNames.indexOf(plan.target);
  const categories: Record<string, string[]> = Object.create(null); // "__proto__" is a column name too
  b.categories?.forEach((c, j) => {
    if (c) categories[b.featureNames[j]!] = c;
  });
  const text = b.categories?.[t] || [...values].some((v) => !Number.isFinite(Number(v)));
  const integers = [...values].every((v) => Number.isInteger(Number(v)));
  const task: Task = text || (integers && values.size <= MAX_AUTO_CLASSES) ? 'classification' : 'regression';
  if (task === 'classification' && values.size > MAX_CLASSES)
    throw new CliError(`column "${plan.target}" has more than ${MAX_CLASSES} distinct values: too many to be classes`);
  const classNames = task === 'classification' ? sortCategories([...values]) : undefined;
  return { layout: { names: b.featureNames, targetCol: t, categories, task, classNames }, preprocessor, rows };
}

/**
 * The id columns (idColumns, the in-memory path's rule) judged on the first chunk's rows: a stream decides
 * before its passes, from the rows it has read, not from every row.
 */
export async function firstChunkIds(plan: StreamPlan): Promise<{ ids: string[]; chunk: CsvData } | null> {
  const read = { ...plan.read, categorical: true, batchRows: plan.batchRows };
  for await (const chunk of readCsvBatches(dataSource(plan.file), read))
    return { ids: idColumns(chunk, plan.target), chunk };
  return null;
}

export function streamDataset(plan: StreamPlan, layout: Layout, part: Part): AsyncIterable<TableBatch> {
  return { [Symbol.asyncIterator]: () => partBatches(plan, layout, part)[Symbol.asyncIterator]() };
}

export async function fitStreaming(
  s: StageSetup,
  plan: StreamPlan,
  layout: Layout,
  pre: Preprocessor,
  run: { epochs: number; patience: number; logEvery: number },
  out: Output,
): Promise<{ model: Sequential; history: History }> {
  const model = buildNetwork({ ...s, inputDim: pre.nFeatures });
  model.setPreprocessing(pre);
  const callbacks = [progressCallback(out, { epochs: run.epochs, indent: '  ', every: run.logEvery })];
  if (run.patience > 0)
    callbacks.push(
      new EarlyStopping({ monitor: 'val_loss', patience: run.patience, restoreBestWeights: true }) as never,
    );
  const history = await model.fit(streamDataset(plan, layout, 'train'), {
    epochs: run.epochs,
    batchSize: s.batchSize,
    callbacks,
    ...(plan.fractions.val > 0 ? { validationData: streamDataset(plan, layout, 'val') } : {}),
  });
  return { model, history };
}

/** Test scores in one pass: accuracy and the confusion matrix, or MSE, MAE and R². */
export async function scoreStreaming(
  model: Sequential,
  plan: StreamPlan,
  layout: Layout,
): Promise<Record<string, unknown>> {
  const k = layout.classNames?.length ?? 0;
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let n = 0,
    se = 0,
    ae = 0,
    sy = 0,
    syy = 0;
  for await (const b of streamDataset(plan, layout, 'test')) {
    if (b.y.length === 0) continue;
    if (layout.task === 'classification') {
      const p = model.predictClasses(b.x);
      b.y.forEach((t, i) => cm[t]![p[i]!]!++);
    } else {
      const p = model.predict(b.x).data;
      b.y.forEach((t, i) => {
        const d = t - p[i]!;
        se += d * d;
        ae += Math.abs(d);
        sy += t;
        syy += t * t;
      });
    }
    n += b.y.length;
  }
  if (layout.task === 'classification') {
    const right = cm.reduce((s, row, i) => s + row[i]!, 0);
    return { rows: n, accuracy: n ? right / n : NaN, confusionMatrix: cm };
  }
  const ss = syy - (sy * sy) / n;
  return { rows: n, mse: se / n, mae: ae / n, r2: ss > 0 ? 1 - se / ss : 0 };
}
