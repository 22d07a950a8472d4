// An incremental RFC 4180 tokenizer over bytes: chunks go in, fields come out one at a time through
// a reusable buffer, so no file-sized string ever exists. Delimiters, quotes and line ends are ASCII,
// and UTF-8 never uses ASCII bytes inside a multi-byte character, so splitting bytes is safe.

export interface CsvSink {
  /** Field `col` (0-based) of the record that started on `line`: bytes buf[0, len). */
  field(buf: Uint8Array, len: number, col: number, line: number): void;
  /** End of a non-empty record with `fields` fields. */
  record(fields: number, line: number): void;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

const enum S {
  RecordStart, // nothing of this record yet (empty lines are skipped here)
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted, // a quote inside a quoted field: either "" or the closing quote
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export class CsvTokenizer {
  private state = S.RecordStart;
  private buf = new Uint8Array(256);
  private len = 0;
  private col = 0;
  private line = 1; // physical line of the current byte
  private recordLine = 1;
  private quoteLine = 1;
  private skipLF = false; // the last byte was a CR that ended a record
  private bom = 0; // bytes of a leading UTF-8 byte order mark seen; -1 once past it
  private readonly delim: number;

  constructor(delimiter: number, private readonly sink: CsvSink) {
    this.delim = delimiter;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    if (this.bom >= 0) {
      // Skip a UTF-8 byte order mark, even one split across chunks.
      while (i < n && this.bom < 3 && chunk[i] === BOM[this.bom]) (this.bom++, i++);
      if (this.bom === 3) this.bom = -1;
      else if (i < n) {
        const partial = this.bom;
        this.bom = -1;
        if (partial > 0) this.push(BOM.subarray(0, partial)); // not a BOM after all: those bytes are data
      } else return; // the chunk ended inside what may be a BOM
    }
    const d = this.delim;
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (this.skipLF) {
        this.skipLF = false;
        if (c === LF) continue;
      }
      switch (this.state) {
        case S.RecordStart:
        case S.FieldStart:
          if (this.state === S.RecordStart) {
            if (c === LF || c === CR) {
              this.newline(c);
              continue; // an empty line
            }
            this.recordLine = this.line;
            this.state = S.FieldStart;
          }
          if (c === QUOTE) {
            this.state = S.Quoted;
            this.quoteLine = this.line;
          } else if (c === d) this.endField();
          else if (c === LF || c === CR) this.endRecord(c);
          else {
            this.add(c);
            this.state = S.Unquoted;
          }
          break;
        case S.Unquoted:
          if (c === d) {
            this.endField();
            this.state = S.FieldStart;
          } else if (c === LF || c === CR) this.endRecord(c);
          else this.add(c); // a quote inside an unquoted field is kept literally
          break;
        case S.Quoted:
          if (c === QUOTE) this.state = S.QuoteInQuoted;
          else {
            if (c === LF) this.line++;
            this.add(c);
          }
          break;
        case S.QuoteInQuoted:
          if (c === QUOTE) {
            this.add(QUOTE);
            this.state = S.Quoted;
          } else if (c === d) {
            this.endField();
            this.state = S.FieldStart;
          } else if (c === LF || c === CR) this.endRecord(c);
          else if (c === 0x20 || c === 0x09) {
            // spaces after a closing quote are tolerated and dropped
          } else
            throw new CsvSyntaxError(
              this.line,
              `unexpected ${JSON.stringify(String.fromCharCode(c))} after the closing quote of field ${this.col + 1} (quote a field whole, and double quotes inside it)`,
            );
          break;
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
    if (this.state !== S.RecordStart) this.endRecord(-1);
  }

  private add(c: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = c;
  }

  private endField(): void {
    this.sink.field(this.buf, this.len, this.col, this.recordLine);
    this.col++;
    this.len = 0;
  }

  private endRecord(c: number): void {
    this.endField();
    this.sink.record(this.col, this.recordLine);
    this.col = 0;
    this.state = S.RecordStart;
    if (c >= 0) this.newline(c);
  }

  private newline(c: number): void {
    this.line++;
    if (c === CR) this.skipLF = true;
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

/**
 * Parses a decimal number (sign, digits, '.', exponent; surrounding blanks allowed) from bytes.
 * Returns NaN for anything else, including empty cells, "NaN", "Infinity" and hex. Short numbers use
 * the exact fast path (an integer mantissa < 2^53 times/divided by an exact power of ten is correctly
 * rounded); others go through Number(), which is also correctly rounded.
 */
export function parseNumber(buf: Uint8Array, len: number): number {
  let i = 0;
  let end = len;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  while (end > i && (buf[end - 1] === 0x20 || buf[end - 1] === 0x09)) end--;
  const start = i;
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
    } else (exp++, (lost ||= v !== 0));
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
  for (let k = start; k < end; k++) s += String.fromCharCode(buf[k]!);
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}
