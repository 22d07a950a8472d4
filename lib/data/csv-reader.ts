// The streaming CSV reader behind readCsv: fields from the tokenizer land in float32 arrays as they come.
import { Matrix, describe } from '../matrix.js';
import {
  CategoryCodes,
  F32_MAX,
  MISSING_MARKERS,
  MissingMarkers,
  categoryName,
  float32Inexact,
  float32Text,
  isBlank,
  sniffDelimiter,
} from './csv-cells.js';
import { CsvSyntaxError, CsvTokenizer, parseNumber, type CsvSink } from './csv-parser.js';
import { CsvError, type ColumnNote, type CsvData, type ReadCsvOptions } from './csv-types.js';
import { layoutColumns, Role } from './csv-columns.js';
import { enlarge, TargetColumn } from './csv-target.js';

const UTF8 = new TextDecoder('utf-8');

export class CsvReader implements CsvSink {
  private tokenizer: CsvTokenizer | null = null;
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
  private delimiter: string;
  private head: Uint8Array[] = []; // the file's start while sniffing the delimiter
  // missing cells and categorical features
  private readonly missing: MissingMarkers | null;
  private codes: (CategoryCodes | null)[] = []; // per feature position
  // per feature position: its first integer that float32 rounds, while the column is numeric
  private inexact: ({ line: number; text: string } | undefined)[] = [];
  // and from then on its cells in float64 (exactValues): ids above 2^24 that float32 merges stay apart
  private exact: (Float64Array | undefined)[] = [];
  private dropRow = false;
  private keepAt: Int32Array = new Int32Array(0); // per column: its index among options.keep, or -1
  private keepCols: number[] = [];
  private kept: string[][] = [];
  private dropped = 0;
  private readonly target: TargetColumn;
  // the notes acted on, and the used columns holding lists or objects (name → what and where)
  private notesSeen = 0;
  private nested = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly o: ReadCsvOptions,
    /** Where a line of the CSV text is in the file it came from (a JSON Lines or Parquet table's converted rows). */
    private readonly locate: (line: number) => string = (line) => `line ${line}`,
    /** What converting a table file found in its columns (./table-files.ts), growing as it converts. */
    private readonly notes?: ReadonlyMap<string, ColumnNote>,
  ) {
    const delim = o.delimiter ?? ',';
    if (
      delim !== 'auto' &&
      (typeof delim !== 'string' || delim.length !== 1 || delim.charCodeAt(0) > 0x7f || '"\r\n'.includes(delim))
    )
      throw new CsvError(
        `readCsv: delimiter must be one ASCII character other than a quote or line break, or 'auto', got ${JSON.stringify(delim)}`,
        file,
      );
    this.delimiter = delim;
    this.hasHeader = o.header ?? true;
    this.target = new TargetColumn(o, file);
    const m = o.missing ?? false;
    if (typeof m !== 'boolean' && !(Array.isArray(m) && m.every((v) => typeof v === 'string')))
      throw new CsvError(`readCsv: missing must be true, false or a list of strings, got ${describe(m)}`, file);
    this.missing = m === false ? null : new MissingMarkers(m === true ? MISSING_MARKERS : m);
    if (o.missingTarget !== undefined && o.missingTarget !== 'error' && o.missingTarget !== 'drop')
      throw new CsvError(`readCsv: missingTarget must be 'error' or 'drop', got ${describe(o.missingTarget)}`, file);
    if (delim !== 'auto') this.tokenizer = new CsvTokenizer(delim.charCodeAt(0), this);
  }

  push(chunk: Uint8Array): void {
    if (this.roles && this.notes && this.notes.size > this.notesSeen) this.applyNotes(false);
    try {
      if (!this.tokenizer) {
        // 'auto': sniff from the first line (or 64 KiB) once it is here.
        this.head.push(chunk);
        const seen = Buffer.concat(this.head);
        if (!seen.includes(0x0a) && !seen.includes(0x0d) && seen.length < 1 << 16) return;
        this.startSniffed(seen);
        return;
      }
      this.tokenizer.push(chunk);
    } catch (e) {
      throw this.wrap(e);
    }
  }

  private startSniffed(seen: Uint8Array): void {
    this.head = [];
    this.delimiter = sniffDelimiter(seen);
    this.tokenizer = new CsvTokenizer(this.delimiter.charCodeAt(0), this);
    this.tokenizer.push(seen);
  }

  finish(): CsvData {
    try {
      if (!this.tokenizer) this.startSniffed(Buffer.concat(this.head));
      this.tokenizer!.end();
    } catch (e) {
      throw this.wrap(e);
    }
    if (this.ncols < 0)
      throw new CsvError(`readCsv: ${this.file} has no ${this.hasHeader ? 'header' : 'rows'}`, this.file);
    if (this.notes && this.notes.size > this.notesSeen) this.applyNotes(false);
    return this.snapshot(false);
  }

  /** Rows read so far (whole records) — for batches; the next rows start again at 0. */
  get pendingRows(): number {
    return this.rows;
  }

  /** The rows read so far as one batch, then forgets them (dictionaries and class mapping stay). */
  take(): CsvData {
    if (this.targetCol >= 0 && !this.target.batchable)
      throw new CsvError(
        "readCsv: reading in batches needs a numeric target (targetType: 'number') or fixed classNames",
        this.file,
      );
    const out = this.snapshot(true);
    this.rows = 0;
    this.dropped = 0;
    this.inexact = [];
    this.exact = [];
    this.kept = this.kept.map(() => []);
    return out;
  }

  private snapshot(batch: boolean): CsvData {
    const out: CsvData = {
      x: new Matrix(this.rows, this.nf, this.x.slice(0, this.rows * this.nf)),
      featureNames: this.featureNames(),
      rows: this.rows,
      droppedRows: this.dropped,
      delimiter: this.delimiter,
    };
    if (this.codes.some((c) => c)) out.categories = this.codes.map((c) => (c ? [...c.names] : null));
    if (this.nested.size) out.nestedColumns = Object.fromEntries(this.nested);
    const exact = this.exact.flatMap((e, role) => (e && !this.codes[role] ? [[out.featureNames[role]!, e]] : []));
    if (exact.length) out.exactValues = Object.fromEntries(exact.map(([n, e]) => [n, e.slice(0, this.rows)]));
    if (this.keepCols.length) out.kept = this.kept.map((k) => k.slice(0, this.rows));
    if (this.targetCol >= 0) {
      out.targetName = this.names![this.targetCol];
      Object.assign(out, this.target.result(this.rows, batch));
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
    if (col >= this.ncols)
      throw this.err(`has more than the ${this.ncols} fields of the ${this.hasHeader ? 'header' : 'first row'}`, line);
    if (col === 0) this.grow();
    const k = this.keepAt[col]!;
    if (k >= 0) this.kept[k]![this.rows] = UTF8.decode(buf.subarray(start, end));
    const role = this.roles[col]!;
    if (role >= 0) this.featureCell(buf, start, end, line, col, role);
    else if (role === Role.Target) this.targetCell(buf, start, end, line, col);
  }

  private featureCell(buf: Uint8Array, start: number, end: number, line: number, col: number, role: number): void {
    const at = this.rows * this.nf + role;
    const codes = this.codes[role];
    if (!codes) {
      const v = parseNumber(buf, start, end);
      if (Math.abs(v) <= F32_MAX) {
        const value = this.missing?.numeric && this.missing.test(buf, start, end) ? NaN : v;
        this.x[at] = value;
        const exact = this.exact[role];
        if (exact) exact[this.rows] = value;
        else if (float32Inexact(value)) {
          this.inexact[role] = { line, text: UTF8.decode(buf.subarray(start, end)).trim() };
          this.startExact(role, value);
        }
        return;
      }
      if (this.missing?.test(buf, start, end)) {
        this.x[at] = NaN;
        if (this.exact[role]) this.exact[role]![this.rows] = NaN;
        return;
      }
      if (!this.o.categorical || Math.abs(v) > F32_MAX) {
        const raw = UTF8.decode(buf.subarray(start, Math.min(end, start + 60)));
        const what =
          raw.trim() === ''
            ? 'is empty'
            : `${JSON.stringify(raw)} is not a finite number${Math.abs(v) > F32_MAX ? ' in float32 range' : ''}`;
        const hint = this.missing
          ? ''
          : raw.trim() === '' || ['na', 'n/a', 'nan', 'null', '?'].includes(raw.trim().toLowerCase())
            ? ' (pass missing: true to read missing cells as NaN)'
            : ' (pass categorical: true to read text columns as categories)';
        throw this.err(`feature ${what}${this.o.categorical || this.missing ? '' : hint}`, line, col);
      }
      this.toCategorical(role, buf, start, end, line, col);
    } else if (this.missing?.test(buf, start, end)) {
      this.x[at] = NaN;
      return;
    }
    this.x[at] = this.codes[role]!.code(categoryName(buf, start, end));
  }

  /** Column `role`'s values in float64 from this row on; the rows before are float32's exactly. */
  private startExact(role: number, value: number): void {
    const exact = new Float64Array(Math.max(1024, this.rows + 1));
    for (let i = 0; i < this.rows; i++) exact[i] = this.x[i * this.nf + role]!;
    exact[this.rows] = value;
    this.exact[role] = exact;
  }

  /** A numeric column met text: it becomes categorical, its numbers so far category names. */
  private toCategorical(role: number, buf: Uint8Array, start: number, end: number, line: number, col: number): void {
    // Its numbers so far are float32: integers it rounded would merge as categories (ids 16777216, 16777217).
    const big = this.inexact[role];
    if (big)
      throw this.err(
        `${JSON.stringify(UTF8.decode(buf.subarray(start, Math.min(end, start + 60))))} is text, so the column ` +
          `is categorical, but its integers above 2^24 were read as float32 (${big.text} on ${this.locate(big.line)} ` +
          `is ${float32Text(Math.fround(Number(big.text)))} there), where two can become one category; name the ` +
          'column in categorical (myelin train: --categorical) to read every cell as text, or leave it out',
        line,
        col,
      );
    const codes = new CategoryCodes();
    this.codes[role] = codes;
    for (let i = role; i < this.rows * this.nf; i += this.nf) {
      const v = this.x[i]!;
      if (v === v) this.x[i] = codes.code(float32Text(v));
    }
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
      throw this.err(
        `has ${fields} field${fields === 1 ? '' : 's'} but the ${this.hasHeader ? 'header' : 'first row'} has ${this.ncols}`,
        line,
      );
    if (this.dropRow) {
      this.dropRow = false;
      this.dropped++;
      return; // the next row overwrites this one
    }
    this.rows++;
  }

  /**
   * Acts on what converting a table file found in a column this read uses: integers past 2^53 make a feature
   * text from its first row (Parquet's INT64 digits kept: ids stay apart), or are refused if rows were read as
   * numbers or JSON.parse rounded them; lists and objects are named in nestedColumns (encoders refuse them).
   */
  private applyNotes(atSetup: boolean): void {
    const notes = [...this.notes!];
    for (const [name, note] of notes.slice(this.notesSeen)) {
      const c = this.names!.indexOf(name);
      const role = c < 0 ? Role.Skip : this.roles![c]!;
      if (role === Role.Skip) continue;
      const where = `readCsv: ${this.file}, column ${c + 1} (${JSON.stringify(name)})`;
      const refuse = (what: string) => new CsvError(`${where} ${what}`, this.file, undefined, c + 1, name);
      if (note.kind === 'lists' || note.kind === 'objects') this.nested.set(name, `${note.kind} (${note.where})`);
      else if (note.kind === 'rounded')
        throw refuse(
          `holds integers beyond 2^53, which JSON numbers cannot hold exactly (${note.where} as JSON.parse reads ` +
            'it); write them as strings in the file, or leave the column out',
        );
      else if (role >= 0 && !this.codes[role]) {
        if (atSetup && this.o.categorical) this.codes[role] = new CategoryCodes();
        else
          throw refuse(
            `holds integers beyond 2^53 (${note.where}), which numbers cannot hold exactly (ids?); ` +
              (atSetup
                ? 'pass categorical: true to read it as text, or leave it out'
                : 'name it in categorical to read it as text from its first row, or leave it out'),
          );
      }
    }
    this.notesSeen = notes.length;
  }

  // --- setup and target ---

  private setup(): void {
    const c = layoutColumns(this.names!, this.hasHeader, this.o, this.file);
    this.roles = c.roles;
    this.keepAt = c.keepAt;
    this.keepCols = c.keepCols;
    this.targetCol = c.targetCol;
    this.nf = c.nf;
    this.codes = c.codes;
    this.kept = this.keepCols.map(() => []);
    if (this.notes) this.applyNotes(true);
    this.x = new Float32Array(Math.max(1024, this.nf * 64));
    if (this.targetCol >= 0) this.target.setup();
  }

  /** Makes room for row `this.rows` (called per record before its fields land). */
  private grow(): void {
    const need = (this.rows + 1) * this.nf;
    if (need > this.x.length) this.x = enlarge(this.x, need);
    if (this.targetCol >= 0) this.target.grow(this.rows);
    for (let role = 0; role < this.exact.length; role++) {
      const e = this.exact[role];
      if (e && this.rows >= e.length) this.exact[role] = enlarge(e, this.rows + 1);
    }
  }

  private targetCell(buf: Uint8Array, start: number, end: number, line: number, col: number): void {
    if (this.o.missingTarget === 'drop' && (isBlank(buf, start, end) || this.missing?.test(buf, start, end))) {
      this.dropRow = true;
      return;
    }
    this.target.cell(buf, start, end, this.rows, (what) => this.err(what, line, col));
  }

  // --- errors ---

  private featureNames(): string[] {
    const out: string[] = new Array(this.nf);
    this.roles!.forEach((r, c) => {
      if (r >= 0) out[r] = this.names![c]!;
    });
    return out;
  }

  private err(what: string, line: number, col?: number): CsvError {
    const name = col !== undefined ? this.names?.[col] : undefined;
    const where =
      col !== undefined ? `, column ${col + 1}${name !== undefined ? ` (${JSON.stringify(name)})` : ''}` : '';
    return new CsvError(
      `readCsv: ${this.file} ${this.locate(line)}${where}: ${col === undefined ? 'the row ' : ''}${what}`,
      this.file,
      line,
      col !== undefined ? col + 1 : undefined,
      name,
    );
  }

  private wrap(e: unknown): unknown {
    if (e instanceof CsvSyntaxError)
      return new CsvError(`readCsv: ${this.file} ${this.locate(e.line)}: ${e.message}`, this.file, e.line);
    return e;
  }
}
