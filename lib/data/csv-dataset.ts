// csvDataset: a table file streamed as a Dataset for fit (CSV/TSV, JSON Lines, Parquet through
// hyparquet), read again on every pass.
import { extname } from 'node:path';
import { Matrix, describe } from '../matrix.js';
import { seededRandom } from '../random.js';
import { readCsvBatches } from './csv.js';
import type { ReadCsvOptions } from './csv-types.js';
import { tableFormat, tableSource } from './table-files.js';
import type { Table } from './table.js';

export interface CsvDatasetOptions
  extends Pick<ReadCsvOptions, 'features' | 'ignore' | 'delimiter' | 'missing' | 'categorical'> {
  target: string;
  /** Rows per element (fit splits each into gradient steps of its batchSize). Default 4096. */
  batchSize?: number;
  /** Rows mixed across elements before they are yielded (0 = none, the default). */
  shuffleBuffer?: number;
  /** Class names of a text target (a fixed mapping: stream passes must agree); without it the target is numeric. */
  classNames?: string[];
  seed?: number;
  format?: 'csv' | 'jsonl' | 'parquet';
}

export interface TableBatch {
  x: Table;
  y: Float32Array | Int32Array;
}

/** An async iterable of { x, y } chunks, read from the file again on every pass (one per epoch). */
export function csvDataset(path: string, options: CsvDatasetOptions): AsyncIterable<TableBatch> {
  if (typeof path !== 'string' || path === '')
    throw new TypeError(`csvDataset: path must be a non-empty string, got ${describe(path)}`);
  if (!options || typeof options.target !== 'string')
    throw new TypeError('csvDataset: options.target (the target column name) is required');
  const batchSize = options.batchSize ?? 4096;
  const buffer = options.shuffleBuffer ?? 0;
  for (const [k, v, min] of [
    ['batchSize', batchSize, 1],
    ['shuffleBuffer', buffer, 0],
  ] as const)
    if (!Number.isInteger(v) || v < min)
      throw new RangeError(`csvDataset: ${k} must be an integer >= ${min}, got ${describe(v)}`);
  let pass = 0;
  return {
    [Symbol.asyncIterator]: () => {
      const batches = readBatches(path, options, batchSize);
      return (buffer > 0 ? shuffled(batches, buffer, batchSize, (options.seed ?? 0) + pass++) : batches)[
        Symbol.asyncIterator
      ]();
    },
  };
}

async function* readBatches(path: string, o: CsvDatasetOptions, batchRows: number): AsyncGenerator<TableBatch> {
  const format = o.format ?? tableFormat(path);
  const delimiter = format !== 'csv' ? ',' : (o.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : 'auto'));
  const read: ReadCsvOptions = {
    ...o,
    delimiter,
    target: o.target,
    missing: o.missing ?? true,
    categorical: o.categorical ?? true,
    missingTarget: 'drop',
  };
  if (o.classNames) read.classNames = o.classNames;
  else read.targetType = 'number';
  for await (const b of readCsvBatches(tableSource(path, format), { ...read, batchRows })) yield { x: b, y: b.y! };
}

/** Rows of consecutive batches mixed in a buffer of `size` rows (tfjs's shuffle buffer), then re-cut. */
async function* shuffled(
  batches: AsyncIterable<TableBatch>,
  size: number,
  batchRows: number,
  seed: number,
): AsyncGenerator<TableBatch> {
  const random = seededRandom(seed);
  let pending: TableBatch[] = [];
  let rows = 0;
  const emit = function* (): Generator<TableBatch> {
    const all = concatBatches(pending);
    pending = [];
    rows = 0;
    const order = Int32Array.from({ length: all.y.length }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let s = 0; s < order.length; s += batchRows) yield pick(all, order.subarray(s, s + batchRows));
  };
  for await (const b of batches) {
    pending.push(b);
    rows += b.y.length;
    if (rows >= size) yield* emit();
  }
  if (rows) yield* emit();
}

function concatBatches(bs: TableBatch[]): TableBatch {
  if (bs.length === 1) return bs[0]!;
  const cols = bs[0]!.x.x.cols;
  const rows = bs.reduce((n, b) => n + b.y.length, 0);
  const x = new Matrix(rows, cols);
  const y = new (bs[0]!.y.constructor as new (n: number) => Float32Array | Int32Array)(rows);
  let at = 0;
  for (const b of bs) {
    x.data.set(b.x.x.data, at * cols);
    y.set(b.y, at);
    at += b.y.length;
  }
  // CSV batches share growing dictionaries: the last batch's lists cover every code before it.
  const last = bs[bs.length - 1]!.x;
  return { x: { x, categories: last.categories, featureNames: last.featureNames }, y };
}

function pick(b: TableBatch, rows: Int32Array): TableBatch {
  const cols = b.x.x.cols;
  const x = new Matrix(rows.length, cols);
  rows.forEach((r, i) => x.data.set(b.x.x.data.subarray(r * cols, (r + 1) * cols), i * cols));
  const y = new (b.y.constructor as new (n: number) => Float32Array | Int32Array)(rows.length);
  rows.forEach((r, i) => (y[i] = b.y[r]!));
  return { x: { ...b.x, x }, y };
}
