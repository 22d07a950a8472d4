// readCsv's target column: numbers (float32), class names mapped to indexes, or 'auto' (numbers until a cell
// is text), and a numeric target's values as exact classes (targetLabels).
import { F32_MAX, isBlank, numberName } from './csv-cells.js';
import { parseNumber } from './csv-parser.js';
import { CsvError, type CsvData, type ReadCsvOptions } from './csv-types.js';

const UTF8 = new TextDecoder('utf-8');
const MAX_AUTO_LABELS = 1 << 16; // distinct target values remembered while a target still looks numeric

/** An error at this cell: `what` went wrong at `line`, in the target's column. */
export type CellError = (what: string) => CsvError;

export class TargetColumn {
  readonly mode: 'auto' | 'number' | 'class';
  private yNum: Float32Array | null = null;
  private yIds: Int32Array | null = null;
  private labelIds = new Map<string, number>();
  private stillNumeric = true;

  constructor(
    private readonly o: ReadCsvOptions,
    file: string,
  ) {
    this.mode = o.classNames ? 'class' : (o.targetType ?? 'auto');
    if (!['auto', 'number', 'class'].includes(this.mode))
      throw new CsvError(
        `readCsv: targetType must be 'auto', 'number' or 'class', got ${JSON.stringify(o.targetType)}`,
        file,
      );
    if (o.classNames) {
      if (
        !Array.isArray(o.classNames) ||
        o.classNames.some((n) => typeof n !== 'string') ||
        new Set(o.classNames).size !== o.classNames.length
      )
        throw new CsvError(`readCsv: classNames must be distinct strings, got ${JSON.stringify(o.classNames)}`, file);
      o.classNames.forEach((n, i) => this.labelIds.set(n, i));
    }
  }

  /** A class target read in batches needs fixed classNames: the same index for a name in every batch. */
  get batchable(): boolean {
    return this.mode === 'number' || this.o.classNames !== undefined;
  }

  setup(): void {
    if (this.mode !== 'class') this.yNum = new Float32Array(1024);
    if (this.mode !== 'number') this.yIds = new Int32Array(1024);
  }

  /** Makes room for row `row`. */
  grow(row: number): void {
    if (this.yNum && row >= this.yNum.length) this.yNum = enlarge(this.yNum, row + 1);
    if (this.yIds && row >= this.yIds.length) this.yIds = enlarge(this.yIds, row + 1);
  }

  /** Row `row`'s target cell. */
  cell(buf: Uint8Array, start: number, end: number, row: number, err: CellError): void {
    if (this.mode !== 'class') {
      const v = parseNumber(buf, start, end);
      if (Math.abs(v) <= F32_MAX) this.yNum![row] = v;
      else if (this.mode === 'number' || isBlank(buf, start, end)) throw cellError(buf, start, end, 'a number', err);
      else if (this.stillNumeric) {
        if (!this.yIds)
          throw err(
            `target ${JSON.stringify(UTF8.decode(buf.subarray(start, end)))} is text, but the rows before it held ` +
              `more than ${MAX_AUTO_LABELS} distinct numbers; pass targetType: 'class' or 'number'`,
          );
        this.stillNumeric = false;
      }
    }
    if (this.yIds) {
      if (isBlank(buf, start, end)) throw cellError(buf, start, end, 'a class name', err);
      const label = UTF8.decode(buf.subarray(start, end)).trim();
      let id = this.labelIds.get(label);
      if (id === undefined && this.o.classNames) {
        // "3.0" for the class "3" (the names numeric targets get: numberName)
        const v = parseNumber(buf, start, end);
        if (Math.abs(v) <= F32_MAX) id = this.labelIds.get(numberName(v, () => label));
      }
      if (id === undefined) {
        if (this.o.classNames)
          throw err(
            `target ${JSON.stringify(label)} is not one of the classes ` +
              this.o.classNames.map((c) => JSON.stringify(c)).join(', '),
          );
        if (this.mode === 'auto' && this.stillNumeric && this.labelIds.size >= MAX_AUTO_LABELS) {
          this.yIds = null; // a regression target: stop remembering labels
          this.labelIds.clear();
          return;
        }
        id = this.labelIds.size;
        this.labelIds.set(label, id);
      }
      this.yIds[row] = id;
    }
  }

  /** The first `rows` targets: numbers (with their exact classes), or class indexes and names. */
  result(rows: number, batch: boolean): Pick<CsvData, 'y' | 'classNames' | 'targetLabels'> {
    if (this.mode === 'number' || (this.mode === 'auto' && this.stillNumeric)) {
      const y = this.yNum!.slice(0, rows);
      return this.mode === 'auto' && this.yIds && !batch ? { y, targetLabels: this.numericLabels(rows) } : { y };
    }
    const ids = this.yIds!.slice(0, rows);
    if (this.o.classNames) return { y: ids, classNames: [...this.o.classNames] };
    const labels = [...this.labelIds.keys()];
    const numeric = labels.every((l) => Number.isFinite(parseNumber(Buffer.from(l), 0, Buffer.byteLength(l))));
    const sorted = [...labels].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const remap = new Int32Array(labels.length);
    sorted.forEach((l, i) => (remap[this.labelIds.get(l)!] = i));
    for (let i = 0; i < ids.length; i++) ids[i] = remap[ids[i]!]!;
    return { y: ids, classNames: sorted };
  }

  /** A numeric target's values as classes, each value once whatever its spelling, not through float32. */
  private numericLabels(rows: number): NonNullable<CsvData['targetLabels']> {
    const names = [...this.labelIds.keys()].map((l) => {
      const bytes = Buffer.from(l);
      return numberName(parseNumber(bytes, 0, bytes.length), () => l);
    });
    // Sorted by value, parsed once (a target of 20,000 distinct values parsed each name at every comparison).
    const byValue = [...new Set(names)].map((n) => ({ n, v: Number(n) }));
    byValue.sort((a, b) => a.v - b.v || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
    const classNames = byValue.map((e) => e.n);
    const index = new Map(classNames.map((n, i) => [n, i]));
    const remap = Int32Array.from(names, (n) => index.get(n)!);
    const ids = this.yIds!;
    const y = new Int32Array(rows);
    for (let i = 0; i < rows; i++) y[i] = remap[ids[i]!]!;
    return { y, classNames };
  }
}

function cellError(buf: Uint8Array, start: number, end: number, expected: string, err: CellError): CsvError {
  if (isBlank(buf, start, end)) return err('target is missing (empty cell)');
  return err(
    `target ${JSON.stringify(UTF8.decode(buf.subarray(start, Math.min(end, start + 60))))} is not ${expected}`,
  );
}

export function enlarge<T extends Float32Array | Int32Array | Float64Array>(a: T, need: number): T {
  let cap = a.length * 2;
  while (cap < need) cap *= 2;
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
