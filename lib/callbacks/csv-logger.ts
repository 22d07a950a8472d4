// CSVLogger (Keras 3's keras/src/callbacks/csv_logger.py): one row per epoch, an 'epoch' column
// (0-based) then the log keys sorted by name; without validation keys Keras adds 'val_' columns
// filled with NA. The whole file is rewritten atomically after every epoch, so a crash never
// leaves half a row; append keeps what the file held when training began.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../io/atomic-write.js';
import { describe } from '../matrix.js';
import { checkKeys } from '../names.js';
import { Callback, type Logs } from './callback.js';

export interface CSVLoggerOptions {
  /** One character between fields. Default ','. */
  separator?: string;
  /** Add to an existing file (its header is kept) instead of replacing it. Default false. */
  append?: boolean;
}

export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  private text = '';
  private header = true;

  constructor(filename: string, options: CSVLoggerOptions = {}) {
    super();
    if (typeof filename !== 'string' || filename === '')
      throw new TypeError(`CSVLogger: filename must be a non-empty string, got ${describe(filename)}`);
    if (options === null || typeof options !== 'object')
      throw new TypeError(`CSVLogger: options must be an object, got ${describe(options)}`);
    checkKeys(options, ['separator', 'append'], 'CSVLogger');
    const sep = options.separator ?? ',';
    if (typeof sep !== 'string' || sep.length !== 1 || sep === '"' || sep === '\n' || sep === '\r')
      throw new RangeError(
        `CSVLogger: separator must be one character other than a quote or a line break, got ${describe(sep)}`,
      );
    if (options.append !== undefined && typeof options.append !== 'boolean')
      throw new TypeError(`CSVLogger: append must be a boolean, got ${describe(options.append)}`);
    this.filename = filename;
    this.separator = sep;
    this.append = options.append ?? false;
  }

  override async onTrainBegin(): Promise<void> {
    this.keys = null;
    this.text = '';
    this.header = true;
    if (!this.append) return;
    const old = await readFile(this.filename, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw new Error(`CSVLogger: cannot read ${this.filename} to append to it: ${e.message}`, { cause: e });
    });
    this.text = old.length > 0 && !old.endsWith('\n') ? `${old}\n` : old;
    this.header = old.length === 0;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      if (this.keys.length > 0 && !this.keys.some((k) => k.startsWith('val_')))
        this.keys.push(...this.keys.map((k) => `val_${k}`));
      if (this.header) this.text += this.row(['epoch', ...this.keys]);
    }
    this.text += this.row([String(epoch), ...this.keys.map((k) => (k in logs ? String(logs[k]) : 'NA'))]);
    await writeFileAtomic(this.filename, Buffer.from(this.text, 'utf8'));
  }

  private row(fields: string[]): string {
    const quote = (f: string) =>
      f.includes(this.separator) || f.includes('"') || f.includes('\n') ? `"${f.replaceAll('"', '""')}"` : f;
    return `${fields.map(quote).join(this.separator)}\r\n`;
  }
}
