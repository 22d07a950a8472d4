// Confusion matrix in sklearn's orientation (rows = true class, columns = predicted) and its
// terminal rendering.
import { toClassIndexes, type ClassIndexes, type ClassScores } from '../data/categorical.js';

export type Labels = ClassIndexes | ClassScores;

/** A bound on the matrix size, so a stray label like 1e9 is an error rather than a huge allocation. */
const MAX_CLASSES = 10_000;

export interface ConfusionMatrixOptions {
  /** Class indexes to report, in this order; samples whose true or predicted class is not listed are
   *  ignored (as sklearn). Default: 0..K-1 with K from the data (largest index + 1, or score columns). */
  labels?: ArrayLike<number>;
}

/**
 * Counts[i][j] = samples of true class labels[i] predicted as labels[j]. yTrue and yPred may be class
 * indexes, one-hot rows or probabilities (argmax per row; > 0.5 for a single column).
 */
export function confusionMatrix(yTrue: Labels, yPred: Labels, options: ConfusionMatrixOptions = {}): number[][] {
  const t = toClassIndexes(yTrue, 'yTrue');
  const p = toClassIndexes(yPred, 'yPred');
  if (t.length !== p.length)
    throw new RangeError(`confusionMatrix: yTrue has ${t.length} samples but yPred has ${p.length}`);
  const labels = resolveLabels(options.labels, t, p, [yTrue, yPred]);
  const k = labels.length;
  // Class index -> row/column position; -1 = not reported.
  const pos = new Map(labels.map((l, i) => [l, i]));
  const counts = new Float64Array(k * k);
  for (let i = 0; i < t.length; i++) {
    const r = pos.get(t[i]!) ?? -1;
    const c = pos.get(p[i]!) ?? -1;
    if (r >= 0 && c >= 0) counts[r * k + c]!++;
  }
  const out: number[][] = [];
  for (let r = 0; r < k; r++) out.push(Array.from(counts.subarray(r * k, (r + 1) * k)));
  return out;
}

/** The class indexes a matrix/report covers: the given list (checked) or 0..K-1. */
export function resolveLabels(
  given: ArrayLike<number> | undefined,
  t: Int32Array,
  p: Int32Array,
  raw: unknown[],
): number[] {
  if (given !== undefined) {
    const labels = Array.from(given);
    if (labels.length === 0) throw new RangeError('labels must list at least one class index');
    if (labels.length > MAX_CLASSES)
      throw new RangeError(`labels lists ${labels.length} classes; at most ${MAX_CLASSES} are supported`);
    const seen = new Set<number>();
    for (const l of labels) {
      if (!Number.isInteger(l) || l < 0 || l >= 2 ** 31)
        throw new RangeError(`labels must be class indexes (integers >= 0), got ${l}`);
      if (seen.has(l)) throw new RangeError(`labels lists class ${l} twice`);
      seen.add(l);
    }
    return labels;
  }
  let k = 0;
  for (let i = 0; i < t.length; i++) k = Math.max(k, t[i]! + 1, p[i]! + 1);
  // Score matrices also tell how many classes there are, even if some never occur.
  for (const y of raw) {
    const cols = columnsOf(y);
    if (cols > 1) k = Math.max(k, cols);
    else if (cols === 1) k = Math.max(k, 2);
  }
  if (k === 0) k = 1;
  if (k > MAX_CLASSES)
    throw new RangeError(
      `the largest class index is ${k - 1}, which would make a ${k}x${k} matrix; pass labels to choose the classes (at most ${MAX_CLASSES})`,
    );
  return Array.from({ length: k }, (_, i) => i);
}

function columnsOf(y: unknown): number {
  if (y && typeof y === 'object' && 'cols' in y && typeof (y as { cols: unknown }).cols === 'number')
    return (y as { cols: number }).cols;
  const first = (y as ArrayLike<unknown>)[0];
  if (first && typeof first === 'object' && typeof (first as ArrayLike<unknown>).length === 'number')
    return (first as ArrayLike<unknown>).length;
  return 0;
}

export interface FormatConfusionMatrixOptions {
  /** Names for the rows/columns, in the matrix's order (default: the class indexes 0..K-1). */
  targetNames?: string[];
}

/**
 * A terminal table: one row per true class, one column per predicted class, with row totals.
 *
 *              predicted
 *   true         cat   dog  │ total
 *   cat            5     1  │     6
 *   dog            0     4  │     4
 */
export function formatConfusionMatrix(matrix: number[][], options: FormatConfusionMatrixOptions = {}): string {
  const k = matrix.length;
  for (const row of matrix)
    if (!Array.isArray(row) || row.length !== k)
      throw new RangeError(`formatConfusionMatrix: the matrix must be square (${k}x${k})`);
  const names = options.targetNames ?? matrix.map((_, i) => String(i));
  if (names.length !== k) throw new RangeError(`formatConfusionMatrix: ${names.length} targetNames for ${k} classes`);
  const totals = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const nameW = Math.max(4, ...names.map((n) => n.length));
  const cellW = Math.max(...names.map((n) => n.length), ...matrix.flat().map((v) => String(v).length), 3);
  const totalW = Math.max(5, ...totals.map((v) => String(v).length));
  const lines: string[] = [];
  lines.push(`${' '.repeat(nameW + 2)}predicted`);
  lines.push(
    `${'true'.padEnd(nameW) + names.map((n) => `  ${n.padStart(cellW)}`).join('')}  │ ${'total'.padStart(totalW)}`,
  );
  matrix.forEach((row, i) => {
    lines.push(
      names[i]!.padEnd(nameW) +
        row.map((v) => `  ${String(v).padStart(cellW)}`).join('') +
        '  │ ' +
        String(totals[i]).padStart(totalW),
    );
  });
  return lines.join('\n');
}
