// Reading the training file for `myelin train`: column choice, missing cells, text columns, id
// columns left out, and the counts the report gives.
import { Matrix, readCsv, type CsvDataWithTarget, type Table } from '../index.js';
import { refuseNested } from '../data/table.js';
import { checkEncodedWidth } from '../data/one-hot.js';
import { CliError, UsageError } from './errors.js';
import { checkReadable, dataSource } from './input.js';
import type { Output } from './output.js';

export interface ColumnChoice {
  target: string;
  features?: string[];
  ignore?: string[];
  categorical?: string[];
  delimiter: string;
  impute: 'mean' | 'median' | 'drop';
}

export interface TableReport {
  /** Rows dropped: target missing, and (--impute drop) a feature missing. */
  dropped: { missingTarget: number; missingFeatures: number };
  /** Missing feature cells per column (only columns with some), before imputation. */
  missing: Record<string, number>;
  /** Columns left out as ids. */
  idColumns: string[];
  /** Columns left out because every cell is missing. */
  emptyColumns: string[];
  /** Categorical columns and how many categories each has in the file. */
  categorical: Record<string, number>;
  delimiter: string;
}

/** `--delimiter` as readCsv takes it: 'auto', one character, or the words tab/comma/semicolon. */
export function delimiterOption(raw: string | undefined): string {
  if (raw === undefined || raw === 'auto') return 'auto';
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const d = named[raw] ?? raw;
  if (d.length !== 1) throw new UsageError(`--delimiter must be auto, one character, or tab; got "${raw}"`, 'train');
  return d;
}

export async function readTrainingTable(
  file: string,
  c: ColumnChoice,
  out: Output,
): Promise<{ csv: CsvDataWithTarget; report: TableReport }> {
  await checkReadable(file);
  let csv = await readCsv(dataSource(file), {
    target: c.target,
    delimiter: c.delimiter,
    missing: true,
    categorical: c.categorical ?? true,
    missingTarget: 'drop',
    ...(c.features ? { features: c.features } : {}),
    ...(c.ignore ? { ignore: c.ignore } : {}),
  });
  const report: TableReport = {
    dropped: { missingTarget: csv.droppedRows, missingFeatures: 0 },
    missing: {},
    idColumns: [],
    emptyColumns: [],
    categorical: {},
    delimiter: csv.delimiter,
  };
  if (!c.features) {
    // Notes each column (why it goes, before the columns change), then drops them.
    const leaveOut = (names: string[], why: (name: string) => string, naming: string) => {
      for (const name of names)
        out.note(`note: "${name}" ${why(name)}; it is left out of the features (name it in --features to ${naming})`);
      if (names.length)
        csv = keepColumns(
          csv,
          csv.featureNames.map((n, j) => (names.includes(n) ? -1 : j)).filter((j) => j >= 0),
        );
      return names;
    };
    // A column with no value in any row teaches nothing; kept, it would be filled with 0 and its untrained
    // weights would move predictions for any value it has later (sklearn's SimpleImputer drops it too).
    report.emptyColumns = leaveOut(
      csv.featureNames.filter((_, j) => isEmptyColumn(csv.x, j)),
      () => `is missing in all ${csv.rows} rows`,
      'keep it',
    );
    report.idColumns = leaveOut(idColumns(csv), (id) => idReason(csv, id), 'use it');
  }
  refuseNested(csv, [...csv.featureNames, csv.targetName], file, (n) =>
    n === csv.targetName ? 'choose another --target' : ignoreHint(n),
  );
  if (csv.featureNames.length === 0)
    throw new CliError(`${file} has no feature columns left besides the target "${c.target}"`);
  const counts = missingCounts(csv.x);
  csv.featureNames.forEach((n, j) => {
    if (counts[j]! > 0) report.missing[n] = counts[j]!;
  });
  csv.categories?.forEach((k, j) => {
    if (k) report.categorical[csv.featureNames[j]!] = k.length;
    if (k) noteNumbersAsText(csv.featureNames[j]!, k, out);
  });
  checkOneHotSize(csv, file);
  if (c.impute === 'drop' && counts.some((n) => n > 0)) {
    const before = csv.rows;
    csv = keepRows(csv, (i) => !rowHasNaN(csv.x, i));
    report.dropped.missingFeatures = before - csv.rows;
  }
  return { csv, report };
}

/**
 * A column of numbers with a few text cells ("Infinity", "n/a", a typo) is read as categories, each number
 * one of them: say so, naming the text, rather than one-hot encode it without a word.
 */
export function noteNumbersAsText(name: string, categories: string[], out: Output): void {
  const text = categories.filter((c) => !Number.isFinite(Number(c)) || c.trim() === '');
  if (text.length === 0 || text.length > 3 || text.length * 2 >= categories.length) return;
  out.note(
    `note: "${name}" holds numbers but also ${text.map((t) => JSON.stringify(t)).join(', ')}, so it is read as ` +
      `${categories.length} categories (one-hot); blank or fix those cells to read it as numbers`,
  );
}

function checkOneHotSize(csv: CsvDataWithTarget, file: string): void {
  checkEncodedWidth(
    csv.featureNames.map((n, j) => [n, csv.categories?.[j]?.length ?? 1]),
    csv.rows,
    `${file}: one-hot encoding`,
    `each of the ${csv.rows} rows`,
    ignoreHint,
  );
}

/** How the CLI leaves a column out. */
export const ignoreHint = (name: string) => `leave such columns out with --ignore ${name}`;

/**
 * The feature columns of `t` that name rows rather than measure them: text different on every row (one-hot:
 * a column per row, all unseen at predict time), or integers all different with none missing. The one rule of
 * both myelin train paths: in memory on every row, streamed (--memory) on its first chunk's rows.
 */
export function idColumns(t: Table, skip?: string): string[] {
  const names = t.featureNames ?? [];
  return names.filter(
    (n, j) =>
      n !== skip && (t.categories?.[j] ? t.x.rows > 1 && t.categories[j]!.length === t.x.rows : isIdColumn(t, j)),
  );
}

export function idReason(t: Table, name: string): string {
  return `holds a different ${t.categories?.[t.featureNames!.indexOf(name)] ? 'text' : 'integer'} on every row (an id?)`;
}

/**
 * Every value an integer and none repeated, with no missing cell: an id, not a measurement. From the exact
 * values where float32 rounds (ids 100000001 to 100000008 are one float32 value).
 */
function isIdColumn(t: Table, j: number): boolean {
  const { x } = t;
  if (x.rows < 2) return false;
  const exact = t.exactValues?.[t.featureNames![j]!];
  const seen = new Set<number>();
  for (let r = 0; r < x.rows; r++) {
    const v = exact ? exact[r]! : x.data[r * x.cols + j]!;
    if (!Number.isInteger(v) || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

function isEmptyColumn(x: Matrix, j: number): boolean {
  if (x.rows === 0) return false;
  for (let i = j; i < x.data.length; i += x.cols) if (x.data[i] === x.data[i]) return false;
  return true;
}

function missingCounts(x: Matrix): number[] {
  const n = new Array<number>(x.cols).fill(0);
  for (let i = 0; i < x.data.length; i++) if (x.data[i] !== x.data[i]) n[i % x.cols]!++;
  return n;
}

function rowHasNaN(x: Matrix, i: number): boolean {
  for (let j = i * x.cols; j < (i + 1) * x.cols; j++) if (x.data[j] !== x.data[j]) return true;
  return false;
}

function keepColumns(csv: CsvDataWithTarget, cols: number[]): CsvDataWithTarget {
  const x = new Matrix(csv.rows, cols.length);
  for (let i = 0; i < csv.rows; i++)
    cols.forEach((j, k) => (x.data[i * cols.length + k] = csv.x.data[i * csv.x.cols + j]!));
  return {
    ...csv,
    x,
    featureNames: cols.map((j) => csv.featureNames[j]!),
    categories: csv.categories && cols.map((j) => csv.categories![j]!),
  };
}

function keepRows(csv: CsvDataWithTarget, keep: (i: number) => boolean): CsvDataWithTarget {
  const rows: number[] = [];
  for (let i = 0; i < csv.rows; i++) if (keep(i)) rows.push(i);
  const w = csv.x.cols;
  const x = new Matrix(rows.length, w);
  rows.forEach((r, k) => x.data.set(csv.x.data.subarray(r * w, (r + 1) * w), k * w));
  const y =
    csv.y instanceof Int32Array ? Int32Array.from(rows, (r) => csv.y[r]!) : Float32Array.from(rows, (r) => csv.y[r]!);
  const labels = csv.targetLabels && { ...csv.targetLabels, y: Int32Array.from(rows, (r) => csv.targetLabels!.y[r]!) };
  // exactValues served the id check; they are of the rows before this
  return { ...csv, x, y, rows: rows.length, targetLabels: labels, exactValues: undefined };
}

/** The report's lines on what was read and left out. */
export function describeTable(r: TableReport): string[] {
  const lines: string[] = [];
  if (r.dropped.missingTarget) lines.push(`Dropped ${r.dropped.missingTarget} rows whose target is missing`);
  if (r.dropped.missingFeatures)
    lines.push(`Dropped ${r.dropped.missingFeatures} rows with missing features (--impute drop)`);
  const m = Object.entries(r.missing);
  if (m.length) lines.push(`Missing cells: ${m.map(([n, k]) => `${n} ${k}`).join(', ')}`);
  const cats = Object.entries(r.categorical);
  if (cats.length) lines.push(`Categorical (one-hot): ${cats.map(([n, k]) => `${n} (${k} categories)`).join(', ')}`);
  if (r.idColumns.length) lines.push(`Left out as ids: ${r.idColumns.join(', ')}`);
  if (r.emptyColumns.length) lines.push(`Left out as empty: ${r.emptyColumns.join(', ')}`);
  return lines;
}
