// readCsv: a delimited text file into a float32 feature Matrix and a target, streamed in chunks.
import { createReadStream } from 'node:fs';
import { Matrix, describe } from '../matrix.js';
import { CsvSyntaxError, CsvTokenizer, parseNumber, type CsvSink } from './csv-parser.js';

export interface ReadCsvOptions {
  /** The target column, by name (needs a header) or 0-based index (negative counts from the end).
   *  Omit it to read features only (files to predict on). */
  target?: string | number;
  /** First record holds column names (default true). Without it columns are named col_0, col_1, … */
  header?: boolean;
  /** One ASCII character (default ','). */
  delimiter?: string;
  /** Feature columns to keep, by name or index, in this order (default: every column but the target).
   *  Use the training file's featureNames to read a predict file whose columns may differ. */
  features?: Array<string | number>;
  /** 'auto' (default): numbers if every target cell is a number, else class names mapped to indexes;
   *  'number' or 'class' force one. */
  targetType?: 'auto' | 'number' | 'class';
  /** A fixed class-name → index mapping (index = position), e.g. the training file's classNames; an
   *  unknown name is an error. Implies targetType 'class'. */
  classNames?: string[];
  /** When false, a target named in `target` that the header lacks is not an error: y is omitted
   *  (a predict file with or without its target column). Default true. */
  requireTarget?: boolean;
}

export interface CsvData {
  /** rows x features, float32. */
  x: Matrix;
  /** Numeric target values, or class indexes (Int32Array) for a class target; absent without a target. */
  y?: Float32Array | Int32Array;
  featureNames: string[];
  targetName?: string;
  /** For a class target: classNames[i] is the name of class index i. Sorted (numerically when every
   *  name is a number), unless given in the options. */
  classNames?: string[];
  rows: number;
}

/** A problem in the file, with where it is (1-based line; 1-based column and its name when known). */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
    readonly columnName?: string,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

/** Options that name a target that must be there: the result has `y`. */
export type ReadCsvWithTarget = ReadCsvOptions & { target: string | number; requireTarget?: true };
export type CsvDataWithTarget = CsvData & { y: Float32Array | Int32Array; targetName: string };

/** Where readCsv reads from: a path, or any stream of byte chunks (a Readable, a fetch body, …). */
export type CsvSource = string | AsyncIterable<Uint8Array>;

/**
 * Streams the file in 1 MiB chunks (or consumes the given stream); memory is the output arrays plus
 * one chunk. A stream is named "<stream>" in errors.
 */
export async function readCsv(source: CsvSource, options: ReadCsvWithTarget): Promise<CsvDataWithTarget>;
export async function readCsv(source: CsvSource, options?: ReadCsvOptions): Promise<CsvData>;
export async function readCsv(source: CsvSource, options: ReadCsvOptions = {}): Promise<CsvData> {
  const isPath = typeof source === 'string';
  if (!isPath && typeof (source as AsyncIterable<Uint8Array>)?.[Symbol.asyncIterator] !== 'function')
    throw new TypeError(`readCsv: expected a path or an async iterable of byte chunks, got ${describe(source)}`);
  const name = isPath ? source : '<stream>';
  const reader = new CsvReader(name, options);
  const chunks = isPath ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  try {
    for await (const chunk of chunks) {
      if (!(chunk instanceof Uint8Array))
        throw new TypeError(`readCsv: the stream must yield bytes (Uint8Array/Buffer), got ${describe(chunk)}; do not set an encoding`);
      reader.push(chunk);
    }
  } catch (e) {
    // File-system errors get the path; parse errors (CsvError) already name it.
    if (typeof (e as NodeJS.ErrnoException)?.syscall === 'string')
      throw new CsvError(`readCsv: cannot read ${name}: ${(e as Error).message}`, name);
    throw e;
  }
  return reader.finish();
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

const UTF8 = new TextDecoder('utf-8');
const F32_MAX = 3.4028234663852886e38;
const MAX_AUTO_LABELS = 1 << 16; // distinct target values remembered while a target still looks numeric

const enum Role {
  Skip = -1,
  Target = -2,
}

class CsvReader implements CsvSink {
  private readonly tokenizer: CsvTokenizer;
  private readonly hasHeader: boolean;
  private names: string[] | null = null;
  private ncols = -1;
  private roles: Int32Array | null = null; // per column: feature position, Role.Skip or Role.Target
  private targetCol = -1;
  private nf = 0;
  private rows = 0;
  private x = new Float32Array(0);
  private headerFields: string[] = [];
  private pending: Uint8Array[] = [];
  // target
  private readonly mode: 'auto' | 'number' | 'class';
  private yNum: Float32Array | null = null;
  private yIds: Int32Array | null = null;
  private labelIds = new Map<string, number>();
  private stillNumeric = true;

  constructor(private readonly file: string, private readonly o: ReadCsvOptions) {
    const delim = o.delimiter ?? ',';
    if (typeof delim !== 'string' || delim.length !== 1 || delim.charCodeAt(0) > 0x7f || '"\r\n'.includes(delim))
      throw new CsvError(`readCsv: delimiter must be one ASCII character other than a quote or line break, got ${JSON.stringify(delim)}`, file);
    this.hasHeader = o.header ?? true;
    this.mode = o.classNames ? 'class' : (o.targetType ?? 'auto');
    if (!['auto', 'number', 'class'].includes(this.mode))
      throw new CsvError(`readCsv: targetType must be 'auto', 'number' or 'class', got ${JSON.stringify(o.targetType)}`, file);
    if (o.classNames) {
      if (!Array.isArray(o.classNames) || o.classNames.some((n) => typeof n !== 'string') || new Set(o.classNames).size !== o.classNames.length)
        throw new CsvError(`readCsv: classNames must be distinct strings, got ${JSON.stringify(o.classNames)}`, file);
      o.classNames.forEach((n, i) => this.labelIds.set(n, i));
    }
    this.tokenizer = new CsvTokenizer(delim.charCodeAt(0), this);
  }

  push(chunk: Uint8Array): void {
    try {
      this.tokenizer.push(chunk);
    } catch (e) {
      throw this.wrap(e);
    }
  }

  finish(): CsvData {
    try {
      this.tokenizer.end();
    } catch (e) {
      throw this.wrap(e);
    }
    if (this.ncols < 0) throw new CsvError(`readCsv: ${this.file} has no ${this.hasHeader ? 'header' : 'rows'}`, this.file);
    const out: CsvData = {
      x: new Matrix(this.rows, this.nf, this.x.slice(0, this.rows * this.nf)),
      featureNames: this.featureNames(),
      rows: this.rows,
    };
    if (this.targetCol >= 0) {
      out.targetName = this.names![this.targetCol];
      if (this.mode === 'number' || (this.mode === 'auto' && this.stillNumeric)) out.y = this.yNum!.slice(0, this.rows);
      else Object.assign(out, this.classTarget());
    }
    return out;
  }

  // --- CsvSink ---

  field(buf: Uint8Array, start: number, end: number, col: number, line: number): void {
    if (this.hasHeader && this.ncols < 0) {
      this.headerFields.push(UTF8.decode(buf.subarray(start, end)).trim());
      return;
    }
    if (!this.roles) {
      // First record of a file without a header: the column count is known at its end.
      this.pending.push(buf.slice(start, end));
      return;
    }
    if (col >= this.ncols) throw this.err(`has more than the ${this.ncols} fields of the ${this.hasHeader ? 'header' : 'first row'}`, line);
    if (col === 0) this.grow();
    const role = this.roles[col]!;
    if (role >= 0) {
      const v = parseNumber(buf, start, end);
      if (!(Math.abs(v) <= F32_MAX)) {
        const raw = UTF8.decode(buf.subarray(start, Math.min(end, start + 60)));
        const what = raw.trim() === '' ? 'is empty' : `${JSON.stringify(raw)} is not a finite number${Math.abs(v) > F32_MAX ? ' in float32 range' : ''}`;
        throw this.err(`feature ${what}`, line, col);
      }
      this.x[this.rows * this.nf + role] = v;
    } else if (role === Role.Target) this.targetCell(buf, start, end, line, col);
  }

  record(fields: number, line: number): void {
    if (this.hasHeader && this.ncols < 0) {
      this.names = this.headerFields;
      this.ncols = fields;
      this.setup();
      return;
    }
    if (!this.roles) {
      this.ncols = fields;
      this.names = Array.from({ length: fields }, (_, i) => `col_${i}`);
      this.setup();
      const pending = this.pending;
      this.pending = [];
      pending.forEach((b, c) => this.field(b, 0, b.length, c, line));
    }
    if (fields !== this.ncols)
      throw this.err(`has ${fields} field${fields === 1 ? '' : 's'} but the ${this.hasHeader ? 'header' : 'first row'} has ${this.ncols}`, line);
    this.rows++;
  }

  // --- setup and target ---

  private setup(): void {
    const names = this.names!;
    const n = this.ncols;
    const seen = new Map<string, number>();
    names.forEach((nm, i) => {
      if (nm === '' && this.hasHeader) names[i] = nm = `col_${i}`;
      if (!seen.has(nm)) seen.set(nm, i);
    });
    const resolve = (ref: string | number, what: string): number => {
      if (typeof ref === 'number') {
        if (!Number.isInteger(ref) || ref >= n || ref < -n)
          throw new CsvError(`readCsv: ${what} index ${ref} is outside the ${n} columns of ${this.file}`, this.file);
        return ref < 0 ? n + ref : ref;
      }
      const i = seen.get(ref);
      if (i === undefined)
        throw new CsvError(
          `readCsv: ${this.file} has no column named ${JSON.stringify(ref)} for the ${what}${this.hasHeader ? '' : ' (header: false names columns col_0, col_1, …)'}; columns: ${names.join(', ')}`,
          this.file,
        );
      return i;
    };
    this.roles = new Int32Array(n).fill(Role.Skip);
    const t = this.o.target;
    if (t !== undefined) {
      const missing = typeof t === 'string' && !seen.has(t);
      if (!(missing && this.o.requireTarget === false)) {
        this.targetCol = resolve(t, 'target');
        this.roles[this.targetCol] = Role.Target;
      }
    }
    if (this.o.features) {
      this.o.features.forEach((ref, k) => {
        const c = resolve(ref, 'feature');
        if (this.roles![c] !== Role.Skip)
          throw new CsvError(`readCsv: column ${JSON.stringify(names[c])} is listed twice (features / target)`, this.file);
        this.roles![c] = k;
      });
      this.nf = this.o.features.length;
    } else {
      for (let c = 0; c < n; c++) if (this.roles[c] === Role.Skip) this.roles[c] = this.nf++;
    }
    this.x = new Float32Array(Math.max(1024, this.nf * 64));
    if (this.targetCol >= 0) {
      if (this.mode !== 'class') this.yNum = new Float32Array(1024);
      if (this.mode !== 'number') this.yIds = new Int32Array(1024);
    }
  }

  /** Makes room for row `this.rows` (called per record before its fields land). */
  private grow(): void {
    const need = (this.rows + 1) * this.nf;
    if (need > this.x.length) this.x = enlarge(this.x, need);
    if (this.yNum && this.rows >= this.yNum.length) this.yNum = enlarge(this.yNum, this.rows + 1);
    if (this.yIds && this.rows >= this.yIds.length) this.yIds = enlarge(this.yIds, this.rows + 1);
  }

  private targetCell(buf: Uint8Array, start: number, end: number, line: number, col: number): void {
    if (this.mode !== 'class') {
      const v = parseNumber(buf, start, end);
      if (Math.abs(v) <= F32_MAX) this.yNum![this.rows] = v;
      else if (this.mode === 'number' || isBlank(buf, start, end)) throw this.targetError(buf, start, end, line, col, 'a number');
      else if (this.stillNumeric) {
        if (!this.yIds)
          throw this.err(
            `target ${JSON.stringify(UTF8.decode(buf.subarray(start, end)))} is text, but the rows before it held more than ${MAX_AUTO_LABELS} distinct numbers; pass targetType: 'class' or 'number'`,
            line,
            col,
          );
        this.stillNumeric = false;
      }
    }
    if (this.yIds) {
      if (isBlank(buf, start, end)) throw this.targetError(buf, start, end, line, col, 'a class name');
      const label = UTF8.decode(buf.subarray(start, end)).trim();
      let id = this.labelIds.get(label);
      if (id === undefined) {
        if (this.o.classNames)
          throw this.err(`target ${JSON.stringify(label)} is not one of the classes ${this.o.classNames.map((c) => JSON.stringify(c)).join(', ')}`, line, col);
        if (this.mode === 'auto' && this.stillNumeric && this.labelIds.size >= MAX_AUTO_LABELS) {
          this.yIds = null; // a regression target: stop remembering labels
          this.labelIds.clear();
          return;
        }
        this.labelIds.set(label, (id = this.labelIds.size));
      }
      this.yIds[this.rows] = id;
    }
  }

  private classTarget(): Pick<CsvData, 'y' | 'classNames'> {
    const ids = this.yIds!.slice(0, this.rows);
    if (this.o.classNames) return { y: ids, classNames: [...this.o.classNames] };
    const labels = [...this.labelIds.keys()];
    const numeric = labels.every((l) => Number.isFinite(parseNumber(Buffer.from(l), 0, Buffer.byteLength(l))));
    const sorted = [...labels].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const remap = new Int32Array(labels.length);
    sorted.forEach((l, i) => (remap[this.labelIds.get(l)!] = i));
    for (let i = 0; i < ids.length; i++) ids[i] = remap[ids[i]!]!;
    return { y: ids, classNames: sorted };
  }

  // --- errors ---

  private featureNames(): string[] {
    const out: string[] = new Array(this.nf);
    this.roles!.forEach((r, c) => {
      if (r >= 0) out[r] = this.names![c]!;
    });
    return out;
  }

  private targetError(buf: Uint8Array, start: number, end: number, line: number, col: number, expected: string): CsvError {
    if (isBlank(buf, start, end)) return this.err(`target is missing (empty cell)`, line, col);
    return this.err(`target ${JSON.stringify(UTF8.decode(buf.subarray(start, Math.min(end, start + 60))))} is not ${expected}`, line, col);
  }

  private err(what: string, line: number, col?: number): CsvError {
    const name = col !== undefined ? this.names?.[col] : undefined;
    const where = col !== undefined ? `, column ${col + 1}${name !== undefined ? ` (${JSON.stringify(name)})` : ''}` : '';
    return new CsvError(`readCsv: ${this.file} line ${line}${where}: ${col === undefined ? 'the row ' : ''}${what}`, this.file, line, col !== undefined ? col + 1 : undefined, name);
  }

  private wrap(e: unknown): unknown {
    if (e instanceof CsvSyntaxError) return new CsvError(`readCsv: ${this.file} line ${e.line}: ${e.message}`, this.file, e.line);
    return e;
  }
}

function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0x20 && buf[i] !== 0x09) return false;
  return true;
}

function enlarge<T extends Float32Array | Int32Array>(a: T, need: number): T {
  let cap = a.length * 2;
  while (cap < need) cap *= 2;
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
