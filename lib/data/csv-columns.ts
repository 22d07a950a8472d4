// What each CSV column is for: readCsv's column references (names or indexes, negative from the end)
// resolved once the header (or the first row) is read, into a role per column.
import { describe } from '../matrix.js';
import { CategoryCodes } from './csv-cells.js';
import { CsvError, type ReadCsvOptions } from './csv-types.js';

export enum Role {
  Skip = -1,
  Target = -2,
}

export interface ColumnLayout {
  /** Per column: its feature position, Role.Skip or Role.Target. */
  roles: Int32Array;
  /** Per column: its index among options.keep, or -1. */
  keepAt: Int32Array;
  /** The kept columns, in options.keep's order. */
  keepCols: number[];
  /** The target column, or -1. */
  targetCol: number;
  /** Number of feature columns. */
  nf: number;
  /** Per feature position: its category dictionary, or null while numeric. */
  codes: (CategoryCodes | null)[];
}

/** Resolves `o`'s column references against `names` (empty header names become col_<i> in place). */
export function layoutColumns(names: string[], hasHeader: boolean, o: ReadCsvOptions, file: string): ColumnLayout {
  const n = names.length;
  const seen = new Map<string, number>();
  names.forEach((nm, i) => {
    if (nm === '' && hasHeader) names[i] = nm = `col_${i}`;
    // Names find columns (targets, features, a model's inputs, ONNX inputs): one name, one column.
    const first = seen.get(nm);
    if (first !== undefined)
      throw new CsvError(
        `readCsv: ${file} has two columns named ${JSON.stringify(nm)} (columns ${first + 1} and ${i + 1}); ` +
          'rename one in the header',
        file,
      );
    seen.set(nm, i);
  });
  const resolve = (ref: string | number, what: string): number => {
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref >= n || ref < -n)
        throw new CsvError(`readCsv: ${what} index ${ref} is outside the ${n} columns of ${file}`, file);
      return ref < 0 ? n + ref : ref;
    }
    const i = seen.get(ref);
    if (i === undefined)
      throw new CsvError(
        `readCsv: ${file} has no column named ${JSON.stringify(ref)} for the ${what}${hasHeader ? '' : ' (header: false names columns col_0, col_1, …)'}; columns: ${names.join(', ')}`,
        file,
      );
    return i;
  };
  const roles = new Int32Array(n).fill(Role.Skip);
  const keepAt = new Int32Array(n).fill(-1);
  const keepCols = (o.keep ?? []).map((ref) => resolve(ref, 'kept column'));
  keepCols.forEach((c, k) => {
    if (keepAt[c]! >= 0) throw new CsvError(`readCsv: kept column ${JSON.stringify(names[c])} is listed twice`, file);
    keepAt[c] = k;
  });
  const ignored = new Set((o.ignore ?? []).map((ref) => resolve(ref, 'ignored column')));
  let targetCol = -1;
  const t = o.target;
  if (t !== undefined) {
    const missing = typeof t === 'string' && !seen.has(t);
    if (!(missing && o.requireTarget === false)) {
      targetCol = resolve(t, 'target');
      roles[targetCol] = Role.Target;
    }
  }
  let nf = 0;
  if (o.features) {
    o.features.forEach((ref, k) => {
      const c = resolve(ref, 'feature');
      if (roles[c] !== Role.Skip)
        throw new CsvError(`readCsv: column ${JSON.stringify(names[c])} is listed twice (features / target)`, file);
      roles[c] = k;
    });
    nf = o.features.length;
  } else {
    for (let c = 0; c < n; c++) if (roles[c] === Role.Skip && !ignored.has(c)) roles[c] = nf++;
  }
  const codes = new Array<CategoryCodes | null>(nf).fill(null);
  const cat = o.categorical;
  const categoricalAt = (ref: string | number, fixed?: readonly string[]) => {
    const c = resolve(ref, 'categorical column');
    if (roles[c]! < 0)
      throw new CsvError(`readCsv: categorical column ${JSON.stringify(names[c])} is not a feature column`, file);
    codes[roles[c]!] = new CategoryCodes(fixed);
  };
  if (Array.isArray(cat)) cat.forEach((ref) => categoricalAt(ref));
  else if (cat !== undefined && typeof cat !== 'boolean')
    throw new CsvError(`readCsv: categorical must be true, false or a list of columns, got ${describe(cat)}`, file);
  for (const [name, list] of Object.entries(o.categories ?? {})) {
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))
      throw new CsvError(
        `readCsv: categories[${JSON.stringify(name)}] must be a list of strings, got ${describe(list)}`,
        file,
      );
    categoricalAt(name, list);
  }
  return { roles, keepAt, keepCols, targetCol, nf, codes };
}
