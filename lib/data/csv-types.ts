// readCsv's options, results and errors.
import type { Matrix } from '../matrix.js';

export interface ReadCsvOptions {
  /** The target column, by name (needs a header) or 0-based index (negative counts from the end).
   *  Omit it to read features only (files to predict on). */
  target?: string | number;
  /** First record holds column names (default true). Without it columns are named col_0, col_1, … */
  header?: boolean;
  /** One ASCII character (default ','), or 'auto': the one of , ; tab that splits the header line most. */
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
  /** Read missing feature cells as NaN instead of failing: true for MISSING_MARKERS (empty, NA, N/A,
   *  NaN, null, ?; trimmed, any case), or a list of your own markers. Default false. */
  missing?: boolean | readonly string[];
  /** Text in a feature column: false (default) is an error; true reads each column holding text as
   *  categorical (category codes, see CsvData.categories); a list of columns also makes those
   *  categorical when they hold numbers. */
  categorical?: boolean | ReadonlyArray<string | number>;
  /** Known categories by column name (the training rows'): a cell's code is its index in the list, -1
   *  for any other name. Makes the column categorical. */
  categories?: Readonly<Record<string, readonly string[]>>;
  /** Columns left out of the features (by name or index); ignored when `features` is given. */
  ignore?: Array<string | number>;
  /** Columns whose raw text to return per row in CsvData.kept (passthrough columns, e.g. an id). */
  keep?: Array<string | number>;
  /** A row whose target is missing: 'error' (default) or 'drop' (counted in CsvData.droppedRows). */
  missingTarget?: 'error' | 'drop';
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
  /** For a target read as numbers by targetType 'auto' (not in batches) with at most 65,536 distinct values:
   *  those values as class indexes into classNames (sorted numerically; "3.0" and "3" one class). Exact, as
   *  sklearn's LabelEncoder: y is float32, where integers above 2^24 merge (16777217 reads as 16777216). */
  targetLabels?: { y: Int32Array; classNames: string[] };
  /** Per feature column, for categorical columns the names their codes index (x holds the code, -1 for a
   *  name outside `options.categories`, NaN when missing); null for numeric columns. Set when any
   *  column is categorical. */
  categories?: (string[] | null)[];
  /** Numeric feature columns holding integers above 2^24, which float32 (x) rounds so that ids 16777216 and
   *  16777217 become one value: their values in float64 (exact up to 2^53), by column name. */
  exactValues?: Record<string, Float64Array>;
  /** Columns of a Parquet or JSON Lines table (features or the target) holding lists or objects, read as their
   *  JSON text, with what they hold and where first ('lists (row 3: [1,2])'): Preprocessor and OneHotEncoder
   *  refuse to one-hot encode them, myelin train too. Absent when there are none. */
  nestedColumns?: Record<string, string>;
  /** The raw text of each `options.keep` column: kept[k][row]. */
  kept?: string[][];
  /** Rows left out because their target was missing (missingTarget: 'drop'). */
  droppedRows: number;
  /** The delimiter used (the detected one for 'auto'). */
  delimiter: string;
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

/**
 * What converting a Parquet or JSON Lines table found in a column, and where first (`row 3: [1,2]`): lists or
 * objects (nested values, read as their JSON text), integers beyond 2^53 that Parquet's INT64 holds exactly
 * (`wide`: read as text) or that JSON.parse rounded (`rounded`).
 */
export interface ColumnNote {
  kind: 'lists' | 'objects' | 'wide' | 'rounded';
  where: string;
}

/** Where readCsv reads from: a path, or any stream of byte chunks (a Readable, a fetch body, …). */
export type CsvSource = string | AsyncIterable<Uint8Array>;
