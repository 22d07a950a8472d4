// readCsv: a delimited text file into a float32 feature Matrix and a target, streamed in chunks.
import { createReadStream } from 'node:fs';
import { describe } from '../matrix.js';
import { CsvReader } from './csv-reader.js';
import {
  type ColumnNote,
  CsvError,
  type CsvData,
  type CsvDataWithTarget,
  type CsvSource,
  type ReadCsvOptions,
  type ReadCsvWithTarget,
} from './csv-types.js';

export {
  CsvError,
  type CsvData,
  type CsvDataWithTarget,
  type CsvSource,
  type ReadCsvOptions,
  type ReadCsvWithTarget,
} from './csv-types.js';

/**
 * Streams the file in 1 MiB chunks (or consumes the given stream); memory is the output arrays plus
 * one chunk. A stream is named "<stream>" in errors.
 */
export async function readCsv(source: CsvSource, options: ReadCsvWithTarget): Promise<CsvDataWithTarget>;
export async function readCsv(source: CsvSource, options?: ReadCsvOptions): Promise<CsvData>;
export async function readCsv(source: CsvSource, options: ReadCsvOptions = {}): Promise<CsvData> {
  const reader = new CsvReader(sourceName(source), options, sourceLocate(source), sourceNotes(source));
  for await (const _ of pushChunks(source, reader));
  return reader.finish();
}

/**
 * readCsv in batches of about `batchRows` rows (at least; a batch ends at a 1 MiB chunk boundary), for
 * files larger than memory. Category codes and class indexes mean the same in every batch; a class
 * target needs `classNames`.
 */
export async function* readCsvBatches(
  source: CsvSource,
  options: ReadCsvOptions & { batchRows?: number } = {},
): AsyncGenerator<CsvData> {
  const batchRows = options.batchRows ?? 8192;
  if (!Number.isInteger(batchRows) || batchRows < 1)
    throw new RangeError(`readCsvBatches: batchRows must be an integer >= 1, got ${describe(batchRows)}`);
  const reader = new CsvReader(sourceName(source), options, sourceLocate(source), sourceNotes(source));
  let yielded = false;
  for await (const _ of pushChunks(source, reader))
    if (reader.pendingRows >= batchRows) {
      yielded = true;
      yield reader.take();
    }
  const last = reader.finish();
  if (last.rows > 0 || !yielded) yield last;
}

/** A converted table's map from lines of its CSV text to places in its file (./table-files.ts). */
function sourceLocate(source: CsvSource): ((line: number) => string) | undefined {
  const { locate } = source as { locate?: unknown };
  return typeof locate === 'function' ? (locate as (line: number) => string) : undefined;
}

/** What a converted table found in its columns (lists, objects, integers past 2^53; ./table-files.ts). */
function sourceNotes(source: CsvSource): ReadonlyMap<string, ColumnNote> | undefined {
  const { columnNotes } = source as { columnNotes?: unknown };
  return columnNotes instanceof Map ? (columnNotes as ReadonlyMap<string, ColumnNote>) : undefined;
}

function sourceName(source: CsvSource): string {
  if (typeof source === 'string') return source;
  if (typeof (source as AsyncIterable<Uint8Array>)?.[Symbol.asyncIterator] !== 'function')
    throw new TypeError(`readCsv: expected a path or an async iterable of byte chunks, got ${describe(source)}`);
  const { name } = source as { name?: unknown }; // tableSource names its converted files
  return typeof name === 'string' ? name : '<stream>';
}

/** Feeds the source's chunks to the reader, yielding after each. */
async function* pushChunks(source: CsvSource, reader: CsvReader): AsyncGenerator<void> {
  const name = sourceName(source);
  try {
    const chunks = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
    for await (const chunk of chunks) {
      if (!(chunk instanceof Uint8Array))
        throw new TypeError(
          `readCsv: the stream must yield bytes (Uint8Array/Buffer), got ${describe(chunk)}; do not set an encoding`,
        );
      reader.push(chunk);
      yield;
    }
  } catch (e) {
    // File-system errors get the path; parse errors (CsvError) already name it.
    // (a path Node refuses, such as one with a NUL byte, is one too)
    const { syscall, code } = (e ?? {}) as NodeJS.ErrnoException;
    if (typeof syscall === 'string' || code === 'ERR_INVALID_ARG_VALUE')
      throw new CsvError(`readCsv: cannot read ${name}: ${(e as Error).message}`, name);
    throw e;
  }
}

/** The same as readCsv for text or bytes already in memory; `name` appears in error messages. */
export function parseCsv(text: string | Uint8Array, options: ReadCsvWithTarget, name?: string): CsvDataWithTarget;
export function parseCsv(text: string | Uint8Array, options?: ReadCsvOptions, name?: string): CsvData;
export function parseCsv(text: string | Uint8Array, options: ReadCsvOptions = {}, name = '<csv text>'): CsvData {
  const reader = new CsvReader(name, options);
  reader.push(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  return reader.finish();
}

/** Tests: the same, fed in the given chunks (to exercise fields and line ends split across chunks). */
export function parseCsvChunks(chunks: Uint8Array[], options: ReadCsvOptions = {}, name = '<csv text>'): CsvData {
  const reader = new CsvReader(name, options);
  for (const c of chunks) reader.push(c);
  return reader.finish();
}
