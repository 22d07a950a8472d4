// JSON Lines and Parquet tables as CSV bytes, so one reader (readCsv and its batches) gives every format
// the same missing markers, text columns, category codes and errors. Rows are converted as they are
// read (Parquet a row group's worth at a time), never the whole file.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { describe } from '../matrix.js';
import { CsvError, type ColumnNote, type CsvSource } from './csv-types.js';

const PARQUET_ROWS = 16384;

export type TableFormat = 'csv' | 'jsonl' | 'parquet';

/** The format of a table file from its extension (.parquet, .jsonl/.ndjson; anything else is CSV/TSV). */
export function tableFormat(path: string): TableFormat {
  const ext = extname(path).toLowerCase();
  return ext === '.parquet' ? 'parquet' : ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'csv';
}

/**
 * What readCsv reads for a table file: the path for CSV, else its rows as comma-separated bytes (a
 * header from the Parquet schema or the first JSON object's keys (a later key outside them is an error); null
 * and absent cells empty).
 */
export function tableSource(path: string, format: TableFormat = tableFormat(path)): CsvSource {
  if (format === 'csv') return path;
  const rows = format === 'jsonl' ? jsonLines(path) : parquetRows(path);
  // Errors name the JSON line or the Parquet row, not the line of the CSV text made of them: the CSV line
  // where each run of rows at a constant offset begins, and that offset (it moves at a skipped blank line
  // or a cell with a line break).
  const runs: [csvLine: number, offset: number][] = [];
  const locate = (line: number) => {
    let k = runs.length - 1;
    while (k >= 0 && runs[k]![0] > line) k--;
    return `${format === 'jsonl' ? 'line' : 'row'} ${line + (k >= 0 ? runs[k]![1] : 0)}`;
  };
  // What converting found in a column (lists, objects, integers beyond 2^53), for readCsv to act on.
  const columnNotes = new Map<string, ColumnNote>();
  return Object.assign(csvBytes(rows, runs, columnNotes, format), { name: path, locate, columnNotes });
}

/** The rows as CSV text; `runs` gets where each row's CSV line and its place in the file differ anew. */
async function* csvBytes(
  rows: AsyncGenerator<string[] | Row>,
  runs: [number, number][],
  notes: Map<string, ColumnNote>,
  format: TableFormat,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let names: string[] | null = null;
  let text = '';
  let line = 1; // the header's, written once, before the first row (or alone)
  const header = () => `${names!.map((n) => cellText(n, () => {})).join(',')}\n`;
  for await (const r of rows) {
    if (Array.isArray(r)) {
      names = r; // Parquet's schema comes first
      continue;
    }
    if (!names) names = Object.keys(r.row);
    if (line === 1) text = header();
    line++;
    const note = (name: string, kind: ColumnNote['kind'], value: string) => {
      if (notes.has(name)) return;
      const at = `${format === 'jsonl' ? 'line' : 'row'} ${r.at}`;
      notes.set(name, { kind, where: `${at}: ${value.length > 40 ? `${value.slice(0, 40)}…` : value}` });
    };
    for (const n of r.rounded ?? []) note(n, 'rounded', String(r.row[n]));
    const cells = names.map((n) => cellText(r.row[n], (kind, v) => note(n, kind, v))).join(',');
    // a lone missing cell is "" (one empty field): an empty line is no row at all to a CSV reader
    const record = `${cells === '' && names.length === 1 ? '""' : cells}\n`;
    if (r.at - line !== (runs.at(-1)?.[1] ?? 0)) runs.push([line, r.at - line]);
    line += record.split('\n').length - 2; // line breaks inside quoted cells
    text += record;
    if (text.length >= 1 << 20) {
      yield encoder.encode(text);
      text = '';
    }
  }
  if (line === 1 && names) text = header();
  if (text) yield encoder.encode(text);
}

/**
 * A cell as CSV text: numbers in their shortest exact form, text quoted when it needs it, null empty. Lists
 * and objects are their JSON text, noted: one category per distinct JSON text is not what they mean.
 */
function cellText(v: unknown, note: (kind: ColumnNote['kind'], value: string) => void): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') {
    // INT64 beyond 2^53: no number holds it (9007199254740993 would read as ...992): its digits are text
    if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) note('wide', String(v));
    return String(v);
  }
  let s: string;
  if (typeof v === 'string') s = v;
  else if (v instanceof Date) s = v.toISOString();
  else {
    s = JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x)); // a struct's INT64 fields
    note(Array.isArray(v) ? 'lists' : 'objects', s);
  }
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A row of a table file, and (JSON Lines) its keys whose integers JSON.parse rounded (beyond 2^53). */
interface Row {
  at: number;
  row: Record<string, unknown>;
  rounded?: string[];
}

async function* jsonLines(path: string): AsyncGenerator<Row> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  let keys: Set<string> | null = null; // the first object's: the header; a later key outside it would be lost
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new CsvError(`${path} line ${n}: ${(e as Error).message}`, path);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new CsvError(`${path} line ${n} must be a JSON object, got ${describe(v)}`, path);
    if (!keys) {
      keys = new Set(Object.keys(v));
      if (keys.size === 0)
        throw new CsvError(`${path} line ${n}: the first object names the columns, but it has no keys`, path);
    } else
      for (const k in v)
        if (!keys.has(k))
          throw new CsvError(
            `${path} line ${n} has the key ${JSON.stringify(k)}, which the first object lacks; ` +
              'the first object names the columns (give it every key, null where a value is missing)',
            path,
          );
    const row = v as Record<string, unknown>;
    // An integer of 16 digits or more: maybe past 2^53, which JSON.parse has rounded (ids as numbers); the key's
    // own text decides (1.2345678901234567e25 is a float, not an id)
    const rounded = /\d{16}/.test(line)
      ? Object.keys(row).filter(
          (k) => typeof row[k] === 'number' && Math.abs(row[k]) > Number.MAX_SAFE_INTEGER && integerText(line, k),
        )
      : undefined;
    yield { at: n, row, rounded };
  }
  // no object, so no columns ('has no header' would speak of CSV)
  if (!keys) throw new CsvError(`${path} has no rows: no line holds a JSON object`, path);
}

/** Whether `line` writes key `k`'s value as a plain integer (digits only), as JSON.stringify spells the key. */
function integerText(line: string, k: string): boolean {
  const key = JSON.stringify(k).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${key}\\s*:\\s*-?\\d+\\s*[,}]`).test(line);
}

async function* parquetRows(path: string): AsyncGenerator<string[] | Row> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import('hyparquet');
  let meta: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    file = await asyncBufferFromFile(path);
    meta = await parquetMetadataAsync(file);
  } catch (e) {
    if (typeof (e as NodeJS.ErrnoException)?.syscall === 'string') throw e;
    throw new CsvError(`${path} is not a Parquet file hyparquet can read: ${(e as Error).message}`, path);
  }
  yield parquetSchema(meta).children.map((c) => c.element.name);
  // A slice of rows at a time: memory is a slice (and hyparquet's pages), not the file.
  const total = Number(meta.num_rows);
  for (let start = 0; start < total; start += PARQUET_ROWS) {
    const rows = await parquetReadObjects({
      file,
      metadata: meta,
      rowStart: start,
      rowEnd: Math.min(total, start + PARQUET_ROWS),
    });
    for (const [i, row] of rows.entries()) yield { at: start + i + 1, row };
  }
}
