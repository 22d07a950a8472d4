// Cell-level helpers of readCsv: missing-value markers, text columns as category codes, delimiter sniffing.
import { parseNumber } from './csv-parser.js';

/** Cells read as missing when readCsv's `missing` is true (compared trimmed, case-insensitively). */
export const MISSING_MARKERS: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'null', '?'];

const UTF8 = new TextDecoder('utf-8');
/** The largest finite float32. */
export const F32_MAX = 3.4028234663852886e38;

/** Recognises missing-value markers in raw cell bytes without decoding cells that cannot be one. */
export class MissingMarkers {
  private readonly set: Set<string>;
  private readonly maxBytes: number;
  /** Some marker is a number (-999): numbers must be tested too. */
  readonly numeric: boolean;

  constructor(markers: readonly string[]) {
    this.set = new Set(markers.map((m) => m.trim().toLowerCase()));
    this.numeric = [...this.set].some((m) => m !== '' && Number.isFinite(Number(m)));
    this.maxBytes = Math.max(0, ...[...this.set].map((m) => Buffer.byteLength(m)));
  }

  test(buf: Uint8Array, start: number, end: number): boolean {
    while (start < end && (buf[start] === 0x20 || buf[start] === 0x09)) start++;
    while (end > start && (buf[end - 1] === 0x20 || buf[end - 1] === 0x09)) end--;
    if (end - start > this.maxBytes) return false;
    return this.set.has(UTF8.decode(buf.subarray(start, end)).toLowerCase());
  }
}

/** One categorical column's dictionary: category name → code (index in `names`). */
export class CategoryCodes {
  readonly names: string[];
  private readonly ids = new Map<string, number>();

  /** `fixed`: a closed list (predict files): names outside it get code -1 instead of a new code. */
  constructor(
    fixed?: readonly string[],
    private readonly closed = fixed !== undefined,
  ) {
    this.names = fixed ? [...fixed] : [];
    this.names.forEach((n, i) => this.ids.set(n, i));
  }

  code(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      if (this.closed) return -1;
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }
}

/** The shortest decimal text that reads back as this float32 (for numbers met before a column turned out text). */
export function float32Text(v: number): string {
  for (let p = 1; p < 10; p++) {
    const s = String(Number(v.toPrecision(p)));
    if (Math.fround(Number(s)) === v) return s;
  }
  return String(v);
}

/**
 * The delimiter among , ; tab that splits the first line (outside quotes) most often; ',' when none
 * does. `head` is the start of the file.
 */
export function sniffDelimiter(head: Uint8Array): string {
  const counts = new Map<number, number>([
    [0x2c, 0],
    [0x3b, 0],
    [0x09, 0],
  ]);
  let quoted = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i]!;
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && (c === 0x0a || c === 0x0d)) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = 0x2c;
  for (const [c, n] of counts) if (n > counts.get(best)!) best = c;
  return String.fromCharCode(best);
}

/**
 * A number's name as a category or class: its float32 value's shortest text ("3.0" and "3" are one), but an
 * integer above 2^24 keeps all its digits (float32 would merge ids 16777216 and 16777217, and its shortest
 * text of 2^53 is 9007199000000000), as sklearn's LabelEncoder keeps them; above 2^53, where float64 merges
 * them too, its `text` when given.
 */
export function numberName(v: number, text?: () => string): string {
  if (!Number.isInteger(v) || Math.abs(v) <= 16777216) return float32Text(Math.fround(v));
  return Number.isSafeInteger(v) || !text ? String(v) : text();
}

/** True for an integer float32 rounds (|v| above 2^24): two of them can become one float32 value. */
export function float32Inexact(v: number): boolean {
  return (v > 16777216 || v < -16777216) && Math.fround(v) !== v && Number.isInteger(v);
}

/** A category's name: the trimmed text, numbers as numberName names them ("3.0" and "3" are one category). */
export function categoryName(buf: Uint8Array, start: number, end: number): string {
  const v = parseNumber(buf, start, end);
  const text = () => UTF8.decode(buf.subarray(start, end)).trim();
  return Math.abs(v) <= F32_MAX ? numberName(v, text) : text();
}

export function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0x20 && buf[i] !== 0x09) return false;
  return true;
}
