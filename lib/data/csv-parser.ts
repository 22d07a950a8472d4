// An incremental RFC 4180 tokenizer over bytes: chunks go in, fields come out one at a time, so no
// file-sized string ever exists. A field that lies inside one chunk is handed over as a range of that
// chunk (no copy); one that spans chunks, or holds doubled quotes, goes through a reusable buffer.
// Delimiters, quotes and line ends are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte
// character, so splitting bytes is safe.
import { isHdf5, isMyelin, isZip } from '../io/signatures.js';

export interface CsvSink {
  /** Field `col` (0-based) of the record that started on `line`: bytes buf[start, end). */
  field(buf: Uint8Array, start: number, end: number, col: number, line: number): void;
  /** End of a non-empty record with `fields` fields. */
  record(fields: number, line: number): void;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

// biome-ignore lint/suspicious/noConstEnum: file-local, so every transpiler inlines it (the tokenizer's hot loop)
const enum S {
  RecordStart, // nothing of this record yet (empty lines are skipped here)
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted, // a quote inside a quoted field: either "" or the closing quote
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

const UTF16 = 'UTF-16 text (it begins with a UTF-16 byte order mark); myelin reads UTF-8: save it as UTF-8 CSV';
/** Files that start like these are not a table; said plainly rather than as a header of garbage columns. */
const NOT_TABLES: [(chunk: Uint8Array) => boolean, string][] = [
  [(c) => (c[0] === 0xff && c[1] === 0xfe) || (c[0] === 0xfe && c[1] === 0xff), UTF16],
  [isMyelin, 'a myelin model file, not a table'],
  [isZip, 'a zip archive (a .keras model?), not a table'],
  [isHdf5, 'an HDF5 file (a .h5 model?), not a table'],
];

/** The first bytes of a file: a table is text, so a known binary signature or a NUL byte is an error. */
function checkText(chunk: Uint8Array): void {
  for (const [is, what] of NOT_TABLES) if (is(chunk)) throw new CsvSyntaxError(1, `the file is ${what}`);
  const nul = chunk.subarray(0, 1 << 16).indexOf(0);
  if (nul >= 0)
    throw new CsvSyntaxError(
      1,
      `the file is not text: byte ${nul} is NUL (0x00); a table is a CSV, JSON Lines or Parquet file`,
    );
}

export class CsvTokenizer {
  private state = S.RecordStart;
  private buf = new Uint8Array(256); // the current field when it cannot be a range of one chunk
  private len = 0;
  private col = 0;
  private line = 1; // physical line of the current byte
  private recordLine = 1;
  private quoteLine = 1;
  private skipLF = false; // the last byte was a CR that ended a line
  private bom = 0; // bytes of a leading UTF-8 byte order mark seen; -1 once past it
  private readonly delim: number;

  constructor(
    delimiter: number,
    private readonly sink: CsvSink,
  ) {
    this.delim = delimiter;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    if (this.bom === 0 && i < n) checkText(chunk);
    if (this.bom >= 0) {
      // Skip a UTF-8 byte order mark, even one split across chunks.
      for (; i < n && this.bom < 3 && chunk[i] === BOM[this.bom]; i++) this.bom++;
      if (this.bom === 3) this.bom = -1;
      else if (i < n) {
        const partial = this.bom;
        this.bom = -1;
        if (partial > 0) this.push(BOM.subarray(0, partial)); // not a BOM after all: those bytes are data
      } else return; // the chunk ended inside what may be a BOM
    }
    const d = this.delim;
    while (i < n) {
      if (this.skipLF) {
        this.skipLF = false;
        if (chunk[i] === LF) {
          i++;
          continue;
        }
      }
      switch (this.state) {
        case S.RecordStart: {
          const c = chunk[i]!;
          if (c === LF || c === CR) {
            this.newline(c); // an empty line
            i++;
            continue;
          }
          this.recordLine = this.line;
          this.state = S.FieldStart;
          continue;
        }
        case S.FieldStart:
          if (chunk[i] === QUOTE) {
            this.state = S.Quoted;
            this.quoteLine = this.line;
            i++;
            continue;
          }
          this.state = S.Unquoted; // the byte starts an unquoted (possibly empty) field
          continue;
        case S.Unquoted: {
          let j = i;
          let c = 0;
          for (; j < n; j++) {
            c = chunk[j]!;
            if (c === d || c === LF || c === CR) break;
          }
          if (j === n) {
            this.append(chunk, i, n); // the field continues in the next chunk
            return;
          }
          if (this.len === 0) this.sink.field(chunk, i, j, this.col, this.recordLine);
          else {
            this.append(chunk, i, j);
            this.sink.field(this.buf, 0, this.len, this.col, this.recordLine);
            this.len = 0;
          }
          this.col++;
          this.terminate(c);
          i = j + 1;
          continue;
        }
        case S.Quoted: {
          let j = i;
          let c = 0;
          for (; j < n; j++) {
            c = chunk[j]!;
            if (c === QUOTE) break;
            if (c === LF) this.line++;
          }
          this.append(chunk, i, j);
          if (j === n) return;
          this.state = S.QuoteInQuoted;
          i = j + 1;
          continue;
        }
        case S.QuoteInQuoted: {
          const c = chunk[i]!;
          if (c === QUOTE) {
            this.append(chunk, i, i + 1); // "" is a literal quote
            this.state = S.Quoted;
          } else if (c === d || c === LF || c === CR) {
            this.sink.field(this.buf, 0, this.len, this.col, this.recordLine);
            this.len = 0;
            this.col++;
            this.terminate(c);
          } else if (c !== 0x20 && c !== 0x09) {
            // (blanks after a closing quote are tolerated and dropped)
            throw new CsvSyntaxError(
              this.line,
              `unexpected ${JSON.stringify(String.fromCharCode(c))} after the closing quote of field ${this.col + 1} (quote a field whole, and double quotes inside it)`,
            );
          }
          i++;
          continue;
        }
      }
    }
  }

  /** Flushes the last record (a file need not end with a newline). */
  end(): void {
    if (this.bom > 0) {
      const partial = this.bom;
      this.bom = -1;
      this.push(BOM.subarray(0, partial));
    }
    if (this.state === S.Quoted)
      throw new CsvSyntaxError(this.quoteLine, `a quoted field opened on line ${this.quoteLine} is never closed`);
    if (this.state === S.RecordStart) return;
    this.sink.field(this.buf, 0, this.len, this.col, this.recordLine);
    this.len = 0;
    this.col++;
    this.terminate(-1);
  }

  /** After a field: a delimiter starts the next one, a line end (or EOF, -1) ends the record. */
  private terminate(c: number): void {
    if (c === this.delim) {
      this.state = S.FieldStart;
      return;
    }
    this.sink.record(this.col, this.recordLine);
    this.col = 0;
    this.state = S.RecordStart;
    if (c >= 0) this.newline(c);
  }

  private append(src: Uint8Array, start: number, end: number): void {
    const need = this.len + (end - start);
    if (need > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < need) cap *= 2;
      const bigger = new Uint8Array(cap);
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(src.subarray(start, end), this.len);
    this.len = need;
  }

  private newline(c: number): void {
    this.line++;
    if (c === CR) this.skipLF = true;
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

/**
 * Parses a decimal number (sign, digits, '.', exponent; surrounding blanks allowed) from buf[start,
 * end). Returns NaN for anything else, including empty cells, "NaN", "Infinity" and hex. Short
 * numbers use the exact fast path (an integer mantissa < 2^53 times or divided by an exact power of
 * ten rounds once, correctly); others go through Number(), which is also correctly rounded.
 */
export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  while (end > i && (buf[end - 1] === 0x20 || buf[end - 1] === 0x09)) end--;
  const first = i;
  let neg = false;
  if (buf[i] === 0x2d || buf[i] === 0x2b) neg = buf[i++] === 0x2d;
  let mant = 0;
  let digits = 0; // significant digits accumulated into mant
  let seen = 0; // digits seen at all
  let exp = 0;
  let lost = false;
  for (; i < end; i++) {
    const v = buf[i]! - 0x30;
    if (v < 0 || v > 9) break;
    seen++;
    if (digits < 15) {
      mant = mant * 10 + v;
      if (mant > 0) digits++;
    } else {
      exp++;
      lost ||= v !== 0;
    }
  }
  if (i < end && buf[i] === 0x2e) {
    for (i++; i < end; i++) {
      const v = buf[i]! - 0x30;
      if (v < 0 || v > 9) break;
      seen++;
      if (digits < 15) {
        mant = mant * 10 + v;
        exp--;
        if (mant > 0) digits++;
      } else lost ||= v !== 0;
    }
  }
  if (seen === 0) return NaN;
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    let eneg = false;
    if (buf[i] === 0x2d || buf[i] === 0x2b) eneg = buf[i++] === 0x2d;
    let e = 0;
    let edigits = 0;
    for (; i < end; i++) {
      const v = buf[i]! - 0x30;
      if (v < 0 || v > 9) break;
      if (e < 1e6) e = e * 10 + v;
      edigits++;
    }
    if (edigits === 0) return NaN;
    exp += eneg ? -e : e;
  }
  if (i !== end) return NaN;
  if (!lost && exp >= -22 && exp <= 22) {
    const v = exp < 0 ? mant / POW10[-exp]! : mant * POW10[exp]!;
    return neg ? -v : v;
  }
  let s = '';
  for (let k = first; k < end; k++) s += String.fromCharCode(buf[k]!);
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}
