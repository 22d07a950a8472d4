// Raw tables as the encoders take them: a float32 Matrix whose categorical columns hold category codes
// (what readCsv returns with `categorical`), or plain rows of numbers, strings and nulls.
import { Matrix, attached, describe, intact } from '../matrix.js';
import { numberName } from './csv-cells.js';

export type Cell = string | number | null | undefined;

/** x holds numbers, or for a column with `categories[j]`, codes into that list (NaN missing, -1 unknown). */
export interface Table {
  x: Matrix;
  categories?: ReadonlyArray<readonly string[] | null>;
  featureNames?: readonly string[];
  /** Numeric columns' values in float64 where float32 merges integers above 2^24 (readCsv's exactValues). */
  exactValues?: Readonly<Record<string, Float64Array>>;
  /** Columns holding lists or objects (readCsv of a Parquet or JSON Lines file): not categories. */
  nestedColumns?: Readonly<Record<string, string>>;
}

/**
 * Refuses to encode a column of lists or objects (each distinct JSON text one category), as sklearn's
 * OneHotEncoder refuses unhashable cells: `what` names the caller, `leaveOut(name)` how to drop the column.
 */
export function refuseNested(
  t: Table,
  names: readonly string[],
  what: string,
  leaveOut: (name: string) => string,
): void {
  const name = names.find((n) => t.nestedColumns?.[n] !== undefined);
  if (name === undefined) return;
  throw new TypeError(
    `${what}: column ${JSON.stringify(name)} holds ${t.nestedColumns![name]}, not numbers or categories; flatten ` +
      `it first (a column per field or element, as pandas' json_normalize or explode make), or ${leaveOut(name)}`,
  );
}

/** A table, or rows as arrays of cells, or rows as objects keyed by column name (needs `names`). */
export type TableInput =
  | Table
  | Matrix
  | ReadonlyArray<ReadonlyArray<Cell>>
  | ReadonlyArray<Readonly<Record<string, Cell>>>;

/** The name a number has as a category ("3", "0.5", "16777217"), the same as readCsv gives it. */
export function categoryOf(v: number): string {
  return numberName(v);
}

/**
 * Any TableInput as a Table. Plain rows: a column holding any string, or for which `categorical(j)` is true,
 * is categorical (its numbers named by categoryOf, exactly: not through float32); null, undefined and NaN are
 * missing. Objects are read by `names` (absent keys missing).
 */
export function toTable(
  input: TableInput,
  what: string,
  names?: readonly string[],
  categorical?: (j: number) => boolean,
): Table {
  if (input instanceof Matrix) return { x: intact(input, what) };
  if (isTable(input)) return input;
  if (!Array.isArray(input))
    throw new TypeError(
      `${what} must be a Matrix, a table { x, categories } or an array of rows, got ${describe(input)}`,
    );
  const rows = input as ReadonlyArray<unknown>;
  const first = rows[0];
  let arrays: ReadonlyArray<ReadonlyArray<Cell>>;
  if (first !== null && typeof first === 'object' && !Array.isArray(first) && !ArrayBuffer.isView(first)) {
    if (!names) throw new TypeError(`${what}: rows given as objects need column names`);
    arrays = rows.map((r, i) => {
      if (r === null || typeof r !== 'object')
        throw new TypeError(`${what}[${i}] must be an object like row 0, got ${describe(r)}`);
      return names.map((n) => (r as Record<string, Cell>)[n]);
    });
  } else arrays = rows as ReadonlyArray<ReadonlyArray<Cell>>;
  const n = arrays.length;
  const cols = n > 0 ? (attached(arrays[0], `${what}[0]`)?.length ?? 0) : (names?.length ?? 0);
  const data = new Float32Array(n * cols);
  const categories: (string[] | null)[] = new Array(cols).fill(null);
  const dict: (Map<string, number> | null)[] = Array.from({ length: cols }, (_, j) =>
    categorical?.(j) ? new Map() : null,
  );
  for (let i = 0; i < n; i++) {
    const r = attached(arrays[i], `${what}[${i}]`);
    if (r === null || typeof r !== 'object' || typeof r.length !== 'number')
      throw new TypeError(`${what}[${i}] must be an array of cells, got ${describe(r)}`);
    if (r.length !== cols) throw new RangeError(`${what}[${i}] has ${r.length} values but row 0 has ${cols}`);
    for (let j = 0; j < cols; j++) {
      const v = r[j];
      if (typeof v === 'string' && !dict[j]) dict[j] = new Map();
      else if (v !== null && v !== undefined && typeof v !== 'number' && typeof v !== 'string')
        throw new TypeError(`${what}[${i}][${j}] must be a number, a string or null, got ${describe(v)}`);
    }
  }
  for (let j = 0; j < cols; j++) {
    const d = dict[j];
    if (d) categories[j] = [];
    for (let i = 0; i < n; i++) {
      const v = arrays[i]![j];
      if (v === null || v === undefined || (typeof v === 'number' && v !== v)) data[i * cols + j] = NaN;
      else if (!d) data[i * cols + j] = v as number;
      else {
        const name = typeof v === 'number' ? categoryOf(v) : v;
        let code = d.get(name);
        if (code === undefined) {
          code = d.size;
          d.set(name, code);
          categories[j]!.push(name);
        }
        data[i * cols + j] = code;
      }
    }
  }
  return {
    x: new Matrix(n, cols, data),
    categories: categories.some((c) => c) ? categories : undefined,
    featureNames: names,
  };
}

export function isTable(v: unknown): v is Table {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && (v as Table).x instanceof Matrix;
}

/** Sorted as sklearn sorts categories: numerically when every name is a number, else by code point. */
export function sortCategories(names: string[]): string[] {
  const numeric = names.length > 0 && names.every((n) => n.trim() !== '' && Number.isFinite(Number(n)));
  return [...names].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Column j's cells as indexes into `known`: its codes through the names they stand for, or plain numbers by value. */
export interface ColumnCoder {
  /** table code → index in known (-1 when not there); null for a column of plain numbers */
  map: Int32Array | null;
  /** number (float32) → index in known, for plain numbers */
  byValue: Map<number, number> | null;
}

export function columnCoder(t: Table, j: number, known: readonly string[]): ColumnCoder {
  const names = t.categories?.[j];
  if (names) {
    const index = new Map(known.map((k, i) => [k, i]));
    return { map: Int32Array.from(names, (n) => index.get(n) ?? -1), byValue: null };
  }
  const byValue = new Map<number, number>();
  known.forEach((k, i) => {
    const v = Number(k);
    // Names that float32 makes one value ("16777216", "16777217"): the value is the one it names exactly.
    if (k.trim() !== '' && Number.isFinite(v) && (!byValue.has(Math.fround(v)) || Math.fround(v) === v))
      byValue.set(Math.fround(v), i);
  });
  return { map: null, byValue };
}

/** The index in `known` of a cell: NaN for missing, -1 for a category not in the list. */
export function knownCode(v: number, c: ColumnCoder): number {
  if (v !== v) return NaN;
  if (c.map) return v >= 0 && v < c.map.length && Number.isInteger(v) ? c.map[v]! : -1;
  return c.byValue!.get(v) ?? -1;
}
