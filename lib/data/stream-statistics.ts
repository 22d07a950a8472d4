// streamStatistics: what a Preprocessor learns from a table read in batches (a Dataset), without holding
// it: one pass for counts, sums and categories; median imputation adds the passes of StreamMedians.
import type { TableBatch } from './csv-dataset.js';
import { Preprocessor } from './preprocessor.js';
import { StreamMedians } from './stream-median.js';
import { categoryOf, refuseNested, sortCategories } from './table.js';

export interface StreamStatisticsOptions {
  /** Columns to one-hot encode besides those holding text, by name. */
  categorical?: string[];
  /** 'mean' (default) or 'median' (exact; the batches are iterated again, once or twice). */
  impute?: 'mean' | 'median';
}

/** The row count and a fitted Preprocessor, equal to Preprocessor.fit on the whole table. */
export async function streamStatistics(
  batches: AsyncIterable<TableBatch>,
  options: StreamStatisticsOptions = {},
): Promise<{ rows: number; preprocessor: Preprocessor }> {
  const impute = options.impute ?? 'mean';
  if (impute !== 'mean' && impute !== 'median')
    throw new RangeError(`streamStatistics: impute must be 'mean' or 'median', got ${JSON.stringify(impute)}`);
  let rows = 0;
  let names: readonly string[] = [];
  let sum: Float64Array | null = null;
  let sumSq: Float64Array | null = null;
  let present: Float64Array | null = null;
  let shift: Float64Array | null = null; // each column's first value: sums of (v - shift) do not cancel
  let medians: StreamMedians | null = null;
  const counts: (Map<string, number> | null)[] = [];
  const forced = new Set(options.categorical ?? []);
  for await (const { x: t } of batches) {
    const { data, cols } = t.x;
    if (!sum) {
      names = t.featureNames ?? Array.from({ length: cols }, (_, j) => `x${j}`);
      sum = new Float64Array(cols);
      sumSq = new Float64Array(cols);
      present = new Float64Array(cols);
      shift = new Float64Array(cols).fill(NaN);
      if (impute === 'median') medians = new StreamMedians(cols);
    }
    refuseNested(t, names, 'streamStatistics', () => 'leave it out (ignore)');
    for (let j = 0; j < cols; j++) {
      const cats = t.categories?.[j];
      if (cats || forced.has(names[j]!)) {
        const m = counts[j] ?? new Map<string, number>();
        counts[j] = m;
        for (let i = j; i < data.length; i += cols) {
          const v = data[i]!;
          if (v !== v || v < 0) continue;
          const name = cats ? cats[v]! : categoryOf(v);
          m.set(name, (m.get(name) ?? 0) + 1);
        }
        continue;
      }
      medians?.add(data, cols, j);
      for (let i = j; i < data.length; i += cols) {
        const v = data[i]!;
        if (v !== v) continue;
        if (shift![j] !== shift![j]) shift![j] = v;
        const d = v - shift![j]!;
        sum[j]! += d;
        sumSq![j]! += d * d;
        present![j]!++;
      }
    }
    rows += t.x.rows;
  }
  if (!sum || rows === 0) throw new RangeError('streamStatistics: the data has no rows');
  const median = medians ? await refineMedians(batches, medians, (j) => !counts[j]) : null;
  const columns = names.map((name, j) => {
    const m = counts[j];
    if (m) {
      const categories = sortCategories([...m.keys()]);
      let fill: string | null = null;
      for (const c of categories) if (fill === null || m.get(c)! > m.get(fill)!) fill = c;
      return { name, type: 'category' as const, categories, fill };
    }
    const n = present![j]!;
    const fill = n === 0 ? 0 : median ? median[j]! : shift![j]! + sum![j]! / n;
    return { name, type: 'number' as const, fill };
  });
  const numeric = columns.filter((c) => c.type === 'number');
  const mean: number[] = [];
  const std: number[] = [];
  names.forEach((_, j) => {
    const c = columns[j]!;
    if (c.type !== 'number') return;
    // The standardization of the imputed column (sklearn's order): present cells, then rows - n fills.
    const n = present![j]!;
    const mu = n ? shift![j]! + sum![j]! / n : 0;
    const ss = n ? Math.max(0, sumSq![j]! - (sum![j]! * sum![j]!) / n) : 0;
    const all = (n * mu + (rows - n) * c.fill) / rows;
    const s = Math.sqrt((ss + n * (mu - all) ** 2 + (rows - n) * (c.fill - all) ** 2) / rows);
    mean.push(all);
    std.push(s > 0 ? s : 1);
  });
  const width = numeric.length + columns.reduce((k, c) => k + (c.type === 'category' ? c.categories.length : 0), 0);
  for (let k = numeric.length; k < width; k++) {
    mean.push(0);
    std.push(1);
  }
  const preprocessor = Preprocessor.fromConfig({ impute, columns, scale: { mean, std } });
  return { rows, preprocessor };
}

/** The further passes of exact medians over the numeric columns. */
async function refineMedians(
  batches: AsyncIterable<TableBatch>,
  medians: StreamMedians,
  numeric: (j: number) => boolean,
): Promise<Float64Array> {
  while (medians.endPass(numeric))
    for await (const { x: t } of batches)
      for (let j = 0; j < t.x.cols; j++) if (numeric(j)) medians.add(t.x.data, t.x.cols, j);
  return medians.medians();
}
