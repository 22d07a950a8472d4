// csvDataset: a table file streamed as a Dataset for fit (CSV/TSV, JSON Lines, Parquet through
// hyparquet), read again on every pass; and streamStatistics: what a Preprocessor needs, from one pass.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { extname } from 'node:path';
import { Matrix, describe } from '../matrix.js';
import { seededRandom } from '../random.js';
import { readCsvBatches } from './csv.js';
import type { ReadCsvOptions } from './csv-types.js';
import { Preprocessor } from './preprocessor.js';
import { categoryOf, sortCategories, toTable, type Cell, type Table } from './table.js';

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

function formatOf(path: string, o: CsvDatasetOptions): 'csv' | 'jsonl' | 'parquet' {
  if (o.format) return o.format;
  const ext = extname(path).toLowerCase();
  return ext === '.parquet' ? 'parquet' : ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'csv';
}

async function* readBatches(path: string, o: CsvDatasetOptions, batchRows: number): AsyncGenerator<TableBatch> {
  const format = formatOf(path, o);
  if (format === 'csv') {
    const delimiter = o.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : 'auto');
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
    for await (const b of readCsvBatches(path, { ...read, batchRows })) yield { x: b, y: b.y! };
    return;
  }
  const rows = format === 'jsonl' ? jsonLines(path) : parquetRows(path, batchRows);
  let names: string[] | null = null;
  let chunk: Record<string, Cell>[] = [];
  const flush = (): TableBatch => {
    const keep = chunk.filter((r) => r[o.target] !== null && r[o.target] !== undefined && r[o.target] !== '');
    const table = toTable(keep, `${path}`, names!);
    const classIds = o.classNames && new Map(o.classNames.map((n, i) => [n, i]));
    const y = classIds
      ? Int32Array.from(keep, (r, i) => classOf(classIds, r[o.target], path, i))
      : Float32Array.from(keep, (r) => Number(r[o.target]));
    chunk = [];
    return { x: { ...table, featureNames: names! }, y };
  };
  for await (const r of rows) {
    if (!names) {
      const ignored = new Set([o.target, ...((o.ignore ?? []) as string[])]);
      names = o.features ? (o.features as string[]) : Object.keys(r).filter((k) => !ignored.has(k));
    }
    chunk.push(r);
    if (chunk.length >= batchRows) yield flush();
  }
  if (chunk.length) yield flush();
}

function classOf(ids: Map<string, number>, v: Cell, path: string, i: number): number {
  const id = ids.get(String(v));
  if (id === undefined)
    throw new RangeError(
      `csvDataset: ${path}: target ${JSON.stringify(v)} (row ${i} of a batch) is not one of classNames`,
    );
  return id;
}

async function* jsonLines(path: string): AsyncGenerator<Record<string, Cell>> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new SyntaxError(`csvDataset: ${path} line ${n}: ${(e as Error).message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new TypeError(`csvDataset: ${path} line ${n} must be a JSON object, got ${describe(v)}`);
    yield v as Record<string, Cell>;
  }
}

async function* parquetRows(path: string, batchRows: number): AsyncGenerator<Record<string, Cell>> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  const file = await asyncBufferFromFile(path);
  const meta = await parquetMetadataAsync(file);
  const total = Number(meta.num_rows);
  for (let start = 0; start < total; start += batchRows) {
    const rows = await parquetReadObjects({
      file,
      metadata: meta,
      rowStart: start,
      rowEnd: Math.min(total, start + batchRows),
    });
    for (const r of rows)
      yield Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : (v as Cell)]));
  }
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

/** Statistics of one streaming pass: row count and a fitted Preprocessor (mean imputation; median needs the whole column). */
export async function streamStatistics(
  batches: AsyncIterable<TableBatch>,
  options: { categorical?: string[] } = {},
): Promise<{ rows: number; preprocessor: Preprocessor }> {
  let rows = 0;
  let names: readonly string[] = [];
  let sum: Float64Array | null = null;
  let sumSq: Float64Array | null = null;
  let present: Float64Array | null = null;
  let shift: Float64Array | null = null; // each column's first value: sums of (v - shift) do not cancel
  const counts: (Map<string, number> | null)[] = [];
  const forced = new Set(options.categorical ?? []);
  for await (const { x: t } of batches) {
    const { data, cols } = t.x;
    if (!sum) {
      names = t.featureNames ?? Array.from({ length: cols }, (_, j) => `x${j}`);
      sum = new Float64Array(cols);
      sumSq = new Float64Array(cols);
      present = new Float64Array(cols);
      shift = new Float64Array(cols).fill(NaN);
    }
    for (let j = 0; j < cols; j++) {
      const cats = t.categories?.[j];
      if (cats || forced.has(names[j]!)) {
        const m = counts[j] ?? new Map<string, number>();
        counts[j] = m;
        for (let i = j; i < data.length; i += cols) {
          const v = data[i]!;
          if (v !== v || v < 0) continue;
          const name = cats ? cats[v]! : categoryOf(v);
          m.set(name, (m.get(name) ?? 0) + 1);
        }
        continue;
      }
      for (let i = j; i < data.length; i += cols) {
        const v = data[i]!;
        if (v !== v) continue;
        if (shift![j] !== shift![j]) shift![j] = v;
        const d = v - shift![j]!;
        sum[j]! += d;
        sumSq![j]! += d * d;
        present![j]!++;
      }
    }
    rows += t.x.rows;
  }
  if (!sum || rows === 0) throw new RangeError('streamStatistics: the data has no rows');
  const columns = names.map((name, j) => {
    const m = counts[j];
    if (m) {
      const categories = sortCategories([...m.keys()]);
      let fill: string | null = null;
      for (const c of categories) if (fill === null || m.get(c)! > m.get(fill)!) fill = c;
      return { name, type: 'category' as const, categories, fill };
    }
    return { name, type: 'number' as const, fill: present![j]! ? shift![j]! + sum![j]! / present![j]! : 0 };
  });
  const numeric = columns.filter((c) => c.type === 'number');
  const mean: number[] = [];
  const std: number[] = [];
  names.forEach((_, j) => {
    const c = columns[j]!;
    if (c.type !== 'number') return;
    const n = present![j]!;
    const mu = c.fill;
    // After mean imputation the filled cells add nothing to the squared deviations (sklearn's order).
    const ss = n ? Math.max(0, sumSq![j]! - (sum![j]! * sum![j]!) / n) : 0;
    const s = Math.sqrt(ss / rows);
    mean.push(mu);
    std.push(s > 0 ? s : 1);
  });
  const width = numeric.length + columns.reduce((k, c) => k + (c.type === 'category' ? c.categories.length : 0), 0);
  for (let k = numeric.length; k < width; k++) {
    mean.push(0);
    std.push(1);
  }
  const preprocessor = Preprocessor.fromConfig({ impute: 'mean', columns, scale: { mean, std } });
  return { rows, preprocessor };
}
