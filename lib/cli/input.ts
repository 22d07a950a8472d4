// Where the CLI reads data from: a path, or standard input for "-". One wording for a file that cannot
// be read, whichever command reads it.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { tableSource, type CsvSource } from '../index.js';
import { CliError } from './errors.js';

/** The CSV source for a DATA argument ("-" is standard input; .parquet and .jsonl files are converted). */
export function dataSource(file: string): CsvSource {
  if (file !== '-') return tableSource(file);
  // Named in errors ('standard input has no header'; readCsv calls an unnamed stream '<stream>').
  const stdin = process.stdin as AsyncIterable<Uint8Array>;
  return { [Symbol.asyncIterator]: () => stdin[Symbol.asyncIterator](), name: 'standard input' } as CsvSource;
}

/** Throws "cannot read FILE: no such file" (or the reason) before any work starts. */
export async function checkReadable(file: string): Promise<void> {
  if (file === '-') return;
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    await access(file, constants.R_OK);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${reason(e)}`);
  }
}

/** Throws unless FILE could be created (its folder exists and is writable), before any work starts. */
export async function checkWritable(file: string, what: string): Promise<void> {
  if (file === '-') return;
  const { dirname } = await import('node:path');
  try {
    const s = await stat(file).catch(() => null);
    if (s?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const dir = dirname(file);
    const d = await stat(dir);
    if (!d.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new CliError(`cannot write ${what} ${file}: ${reason(e)}`);
  }
}

export function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'EEXIST') return 'a file is in the way where a folder is needed';
  return (e as Error)?.message ?? String(e);
}
