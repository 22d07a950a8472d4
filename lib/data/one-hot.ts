// One column per category, learnt on training rows (sklearn's OneHotEncoder with handle_unknown='ignore').
import { Matrix, describe } from '../matrix.js';
import {
  categoryOf,
  columnCoder,
  knownCode,
  refuseNested,
  sortCategories,
  toTable,
  type Table,
  type TableInput,
} from './table.js';

/** Encoded rows are copied a few times (split, preprocessing, the engine's copy): refuse a table this wide. */
const MAX_ENCODED_BYTES = 2 ** 31;

/**
 * Refuses rows of these columns (name, width after one-hot encoding) past 2 GiB for `rows` rows, naming the
 * widest and `fix(widest)`: a 100,000-category column made rows 100,001 floats wide and ran the machine out of
 * memory. `what` starts the message; `each` names the rows ('each of the 40000 rows').
 */
export function checkEncodedWidth(
  columns: (readonly [string, number])[],
  rows: number,
  what: string,
  each: string,
  fix: (widest: string) => string,
): void {
  const width = columns.reduce((a, [, w]) => a + w, 0);
  const bytes = rows * width * 4;
  if (bytes <= MAX_ENCODED_BYTES) return;
  const wide = columns
    .filter(([, w]) => w > 1)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  throw new RangeError(
    `${what} ${wide.map(([n, w]) => `"${n}" (${w} categories)`).join(', ')} makes ${each} ${width} numbers wide, ` +
      `${(bytes / 2 ** 30).toFixed(1)} GiB; ${fix(wide[0]?.[0] ?? '')}`,
  );
}

/** The category names column j of a table uses in its rows (missing cells aside), sorted as sklearn sorts them. */
export function presentCategories(t: Table, j: number): string[] {
  const { data } = t.x;
  const cols = t.x.cols;
  const names = t.categories?.[j];
  const seen = new Set<string>();
  if (names) {
    const used = new Uint8Array(names.length);
    for (let i = j; i < data.length; i += cols) {
      const v = data[i]!;
      if (v >= 0 && v < names.length) used[v]! = 1;
    }
    used.forEach((u, c) => u && seen.add(names[c]!));
  } else {
    const values = new Set<number>();
    for (let i = j; i < data.length; i += cols) if (data[i] === data[i]) values.add(data[i]!);
    for (const v of values) seen.add(categoryOf(v));
  }
  return sortCategories([...seen]);
}

/** Every column of plain rows is categorical: numbers become names as given, not through float32. */
const every = () => true;

export class OneHotEncoder {
  private cats: string[][] | null = null;
  /** Cells of the last transform whose category was not seen in fit (encoded as all zeros). */
  unknownCount = 0;

  constructor(options: { categories?: string[][] } = {}) {
    if (options.categories !== undefined) {
      const c = options.categories;
      if (
        !Array.isArray(c) ||
        c.some((l) => !Array.isArray(l) || l.some((n) => typeof n !== 'string') || new Set(l).size !== l.length)
      )
        throw new TypeError(
          `OneHotEncoder: categories must be one list of distinct strings per column, got ${describe(c)}`,
        );
      this.cats = c.map((l) => [...l]);
    }
  }

  get fitted(): boolean {
    return this.cats !== null;
  }
  /** Per column, its categories in output order (sklearn's categories_). */
  get categories(): string[][] | null {
    return this.cats?.map((l) => [...l]) ?? null;
  }
  /** Output width: the number of categories over all columns. */
  get nFeatures(): number {
    return this.cats?.reduce((n, l) => n + l.length, 0) ?? 0;
  }

  /** Learns each column's categories from x (a table, rows of strings/numbers, or a numeric Matrix). */
  fit(x: TableInput): this {
    const t = toTable(x, 'OneHotEncoder.fit: x', undefined, every);
    if (t.x.rows === 0) throw new RangeError('OneHotEncoder.fit: x has no rows');
    const names = t.featureNames ?? Array.from({ length: t.x.cols }, (_, j) => `x${j}`);
    refuseNested(t, names, 'OneHotEncoder.fit', () => 'leave it out of the table');
    const cats = Array.from({ length: t.x.cols }, (_, j) => presentCategories(t, j));
    checkEncodedWidth(
      cats.map((l, j) => [names[j]!, l.length]),
      t.x.rows,
      'OneHotEncoder.fit:',
      `each of the ${t.x.rows} rows`,
      (n) => `leave "${n}" out, or group its rare categories`,
    );
    this.cats = cats;
    return this;
  }

  /** rows x nFeatures of 0/1; a missing cell or an unseen category is all zeros (unseen ones counted in unknownCount). */
  transform(x: TableInput): Matrix {
    if (!this.cats) throw new Error('OneHotEncoder.transform: call fit(xTrain) first');
    const t = toTable(x, 'OneHotEncoder.transform: x', undefined, every);
    const { rows, cols, data } = t.x;
    if (cols !== this.cats.length)
      throw new RangeError(
        `OneHotEncoder.transform: x has ${cols} columns but the encoder was fitted on ${this.cats.length}`,
      );
    const width = this.nFeatures;
    const out = new Matrix(rows, width);
    let unknown = 0;
    let offset = 0;
    this.cats.forEach((known, j) => {
      const coder = columnCoder(t, j, known);
      for (let i = 0; i < rows; i++) {
        const c = knownCode(data[i * cols + j]!, coder);
        if (c >= 0) out.data[i * width + offset + c] = 1;
        else if (c < 0) unknown++;
      }
      offset += known.length;
    });
    this.unknownCount = unknown;
    return out;
  }

  fitTransform(x: TableInput): Matrix {
    const t = toTable(x, 'OneHotEncoder.fit: x', undefined, every);
    return this.fit(t).transform(t);
  }

  /** Output column names, "<column>_<category>" as sklearn's get_feature_names_out. */
  featureNames(inputNames?: readonly string[]): string[] {
    if (!this.cats) throw new Error('OneHotEncoder.featureNames: call fit(xTrain) first');
    return this.cats.flatMap((l, j) => l.map((c) => `${inputNames?.[j] ?? `x${j}`}_${c}`));
  }
}
