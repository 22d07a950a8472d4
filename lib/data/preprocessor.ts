// One preprocessing pipeline for raw tables, in sklearn's ColumnTransformer order: numeric columns
// imputed (mean or median) then standardized; categorical columns imputed by their most frequent
// category then one-hot encoded (unseen categories → all zeros, counted). Output: the numeric columns,
// then each categorical column's block. A model carries it (setPreprocessing) and saves it in its file.
import { Matrix, describe } from '../matrix.js';
import { native } from '../native.js';
import { columnStatistic } from './imputer.js';
import { checkEncodedWidth, presentCategories } from './one-hot.js';
import { StandardScaler } from './scalers.js';
import { columnCoder, knownCode, refuseNested, toTable, type Table, type TableInput } from './table.js';

export interface PreprocessorOptions {
  /** Columns to one-hot encode besides those holding text, by name or index. */
  categorical?: ReadonlyArray<string | number>;
  /** Statistic for missing numbers: 'mean' (default) or 'median'. Categories: the most frequent. */
  impute?: 'mean' | 'median';
  /** Standardize numeric columns (default true). */
  scale?: boolean;
}

export type PreprocessorColumn =
  | { name: string; type: 'number'; fill: number }
  | { name: string; type: 'category'; categories: string[]; fill: string | null };

export interface PreprocessorConfig {
  className: 'Preprocessor';
  config: { impute: 'mean' | 'median'; columns: PreprocessorColumn[]; scale: { mean: number[]; std: number[] } | null };
}

export class Preprocessor {
  readonly impute: 'mean' | 'median';
  readonly scale: boolean;
  private readonly categorical: ReadonlyArray<string | number>;
  private cols: PreprocessorColumn[] | null = null;
  private mean: Float64Array | null = null; // per output column; 0 / 1 on one-hot columns
  private std: Float64Array | null = null;
  /** Per input column, the cells of the last transform whose category was not learnt (encoded as zeros). */
  unseen: number[] = [];

  constructor(options: PreprocessorOptions = {}) {
    const impute = options.impute ?? 'mean';
    if (impute !== 'mean' && impute !== 'median')
      throw new RangeError(`Preprocessor: impute must be 'mean' or 'median', got ${describe(impute)}`);
    this.impute = impute;
    this.scale = options.scale ?? true;
    this.categorical = options.categorical ?? [];
  }

  get fitted(): boolean {
    return this.cols !== null;
  }
  get columns(): PreprocessorColumn[] {
    return this.need('columns').map((c) => ({ ...c }));
  }
  /** Raw columns it takes. */
  get inputNames(): string[] {
    return this.need('inputNames').map((c) => c.name);
  }
  get nInputs(): number {
    return this.cols?.length ?? 0;
  }
  /** Width of its output (the model's input width). */
  get nFeatures(): number {
    return this.cols?.reduce((n, c) => n + (c.type === 'number' ? 1 : c.categories.length), 0) ?? 0;
  }
  /** Output column names: numeric columns, then "<column>_<category>" blocks. */
  get featureNames(): string[] {
    const cols = this.need('featureNames');
    return [
      ...cols.filter((c) => c.type === 'number').map((c) => c.name),
      ...cols.flatMap((c) => (c.type === 'category' ? c.categories.map((k) => `${c.name}_${k}`) : [])),
    ];
  }

  /** As a scaler's affineParams when every column is numeric (exporters: imputation aside), else null. */
  numericAffine(): { offset: Float64Array; scale: Float64Array } | null {
    if (this.need('numericAffine').some((c) => c.type !== 'number')) return null;
    return { offset: this.mean!.slice(), scale: this.std!.slice() };
  }

  /** Learns fills, categories and scaling from training rows (readCsv's { x, categories, featureNames }, or rows). */
  fit(input: TableInput, names?: readonly string[]): this {
    const t = toTable(input, 'Preprocessor.fit: x', names, this.forcedAt(names));
    if (t.x.rows === 0) throw new RangeError('Preprocessor.fit: x has no rows');
    const cols = t.x.cols;
    const colNames = names ?? t.featureNames ?? Array.from({ length: cols }, (_, j) => `x${j}`);
    if (colNames.length !== cols)
      throw new RangeError(`Preprocessor.fit: ${colNames.length} names for ${cols} columns`);
    refuseNested(t, colNames, 'Preprocessor.fit', () => 'leave it out of the table');
    const forced = new Set(this.categorical.map((ref) => resolve(ref, colNames)));
    const { data } = t.x;
    for (let i = 0; i < data.length; i++)
      if (data[i] === Infinity || data[i] === -Infinity)
        throw new RangeError(
          `Preprocessor.fit: x[${Math.floor(i / cols)}][${i % cols}] is ${data[i]}; only NaN marks a missing value`,
        );
    const learnt = colNames.map((name, j): PreprocessorColumn => {
      if (!t.categories?.[j] && !forced.has(j))
        return { name, type: 'number', fill: columnStatistic(data, cols, j, this.impute) };
      const categories = presentCategories(t, j);
      const counts = new Float64Array(categories.length);
      const coder = columnCoder(t, j, categories);
      for (let i = j; i < data.length; i += cols) {
        const c = knownCode(data[i]!, coder);
        if (c >= 0) counts[c]!++;
      }
      let best = -1;
      counts.forEach((n, c) => {
        if (best < 0 || n > counts[best]!) best = c; // ties: the first (smallest) category
      });
      return { name, type: 'category', categories, fill: best >= 0 ? categories[best]! : null };
    });
    // Before the one-hot rows are made (a 100,000-category column ran the machine out of memory).
    checkEncodedWidth(
      learnt.map((c) => [c.name, c.type === 'number' ? 1 : c.categories.length]),
      t.x.rows,
      'Preprocessor.fit: one-hot encoding',
      `each of the ${t.x.rows} rows`,
      (n) => `leave "${n}" out of the table, or group its rare categories`,
    );
    this.cols = learnt;
    const width = this.nFeatures;
    this.mean = new Float64Array(width);
    this.std = new Float64Array(width).fill(1);
    if (this.scale) {
      const raw = this.encode(t);
      const numeric = this.cols.filter((c) => c.type === 'number').length;
      const s = new StandardScaler().fit(numeric === width ? raw : selectColumns(raw, numeric));
      this.mean.set(s.mean!);
      this.std.set(s.std!);
    }
    return this;
  }

  /** Raw rows → the model's inputs. A Matrix holds numbers (categories by value); rows may hold strings and nulls. */
  transform(input: TableInput, what = 'Preprocessor.transform: x'): Matrix {
    const cols = this.need('transform');
    const t = toTable(
      input,
      what,
      cols.map((c) => c.name),
      (j) => cols[j]?.type === 'category',
    );
    if (t.x.cols !== cols.length)
      throw new RangeError(
        `${what} has ${t.x.cols} columns but the preprocessing takes ${cols.length} (${cols.map((c) => c.name).join(', ')})`,
      );
    // a list in a column learnt as categories would be one unseen category: all zeros, without a word
    refuseNested(
      t,
      cols.map((c) => c.name),
      what,
      () => 'leave it out of the table',
    );
    cols.forEach((c, j) => {
      if (c.type === 'number' && t.categories?.[j])
        throw new TypeError(
          `${what} column ${j} ("${c.name}") holds text (${t.categories[j]!.slice(0, 3)
            .map((k) => JSON.stringify(k))
            .join(', ')}…) but was numeric in the training rows`,
        );
    });
    const out = this.encode(t);
    if (this.scale && out.cols > 0) native.affineColumns(out.data, out.cols, this.mean!, this.std!, false, out.data);
    return out;
  }

  fitTransform(input: TableInput, names?: readonly string[]): Matrix {
    const t = toTable(input, 'Preprocessor.fit: x', names, this.forcedAt(names));
    return this.fit(t, names).transform(t);
  }

  /** Plain rows' columns named in `categorical`: their numbers become names as given, not through float32. */
  private forcedAt(names?: readonly string[]): (j: number) => boolean {
    return (j) => this.categorical.some((ref) => ref === j || ref === (names ? names[j] : `x${j}`));
  }

  toJSON(): PreprocessorConfig {
    const cols = this.need('toJSON');
    const scale = this.scale ? { mean: Array.from(this.mean!), std: Array.from(this.std!) } : null;
    return { className: 'Preprocessor', config: { impute: this.impute, columns: cols.map((c) => ({ ...c })), scale } };
  }

  static fromConfig(config: Record<string, unknown>): Preprocessor {
    const c = config as Partial<PreprocessorConfig['config']> | null;
    if (!c || !Array.isArray(c.columns) || c.columns.length === 0)
      throw new TypeError(`Preprocessor config.columns must be a non-empty list, got ${describe(c?.columns)}`);
    const p = new Preprocessor({ impute: c.impute, scale: c.scale !== null });
    p.cols = c.columns.map((col, j) => checkColumn(col, j));
    const width = p.nFeatures;
    p.mean = new Float64Array(width);
    p.std = new Float64Array(width).fill(1);
    if (c.scale !== null) {
      const s = StandardScaler.fromConfig(c.scale as unknown as Record<string, unknown>); // checks finite, std > 0
      if (s.nFeatures !== width)
        throw new RangeError(`Preprocessor config.scale has ${s.nFeatures} columns but the columns give ${width}`);
      p.mean.set(s.mean!);
      p.std.set(s.std!);
    }
    return p;
  }

  /** Imputed and one-hot encoded, not yet scaled; counts unseen categories. */
  private encode(t: Table): Matrix {
    const cols = this.cols!;
    const { rows, data } = t.x;
    const n = t.x.cols;
    const width = this.nFeatures;
    const out = new Matrix(rows, width);
    const o = out.data;
    this.unseen = new Array(n).fill(0);
    let numPos = 0;
    let catPos = cols.reduce((k, c) => k + (c.type === 'number' ? 1 : 0), 0);
    cols.forEach((col, j) => {
      if (col.type === 'number') {
        const fill = col.fill;
        for (let i = 0, a = j, b = numPos; i < rows; i++, a += n, b += width) {
          const v = data[a]!;
          o[b] = v === v ? v : fill;
        }
        numPos++;
        return;
      }
      const coder = columnCoder(t, j, col.categories);
      const fill = col.fill === null ? -1 : col.categories.indexOf(col.fill);
      let unseen = 0;
      for (let i = 0, a = j, b = catPos; i < rows; i++, a += n, b += width) {
        let c = knownCode(data[a]!, coder);
        if (c !== c) c = fill;
        else if (c < 0) unseen++;
        if (c >= 0) o[b + c] = 1;
      }
      this.unseen[j] = unseen;
      catPos += col.categories.length;
    });
    return out;
  }

  private need(what: string): PreprocessorColumn[] {
    if (!this.cols) throw new Error(`Preprocessor.${what}: call fit(trainingRows) first`);
    return this.cols;
  }
}

function resolve(ref: string | number, names: readonly string[]): number {
  const j = typeof ref === 'number' ? ref : names.indexOf(ref);
  if (!Number.isInteger(j) || j < 0 || j >= names.length)
    throw new RangeError(
      `Preprocessor: categorical column ${JSON.stringify(ref)} is not one of the columns (${names.join(', ')})`,
    );
  return j;
}

function selectColumns(m: Matrix, count: number): Matrix {
  const out = new Matrix(m.rows, count);
  for (let i = 0; i < m.rows; i++) out.data.set(m.data.subarray(i * m.cols, i * m.cols + count), i * count);
  return out;
}

function checkColumn(col: unknown, j: number): PreprocessorColumn {
  const c = col as Record<string, unknown> | null;
  const where = `Preprocessor config.columns[${j}]`;
  if (!c || typeof c.name !== 'string') throw new TypeError(`${where} must have a string name, got ${describe(col)}`);
  if (c.type === 'number') {
    if (typeof c.fill !== 'number' || !Number.isFinite(c.fill) || Math.abs(c.fill) > 3.4e38)
      throw new TypeError(`${where}.fill must be a finite float32 number, got ${describe(c.fill)}`);
    return { name: c.name, type: 'number', fill: c.fill };
  }
  if (c.type !== 'category')
    throw new TypeError(`${where}.type must be 'number' or 'category', got ${describe(c.type)}`);
  const cats = c.categories;
  if (!Array.isArray(cats) || cats.some((k) => typeof k !== 'string') || new Set(cats).size !== cats.length)
    throw new TypeError(`${where}.categories must be distinct strings, got ${describe(cats)}`);
  if (!(c.fill === null || (typeof c.fill === 'string' && cats.includes(c.fill))))
    throw new TypeError(`${where}.fill must be one of its categories or null, got ${describe(c.fill)}`);
  return { name: c.name, type: 'category', categories: [...(cats as string[])], fill: c.fill as string | null };
}
