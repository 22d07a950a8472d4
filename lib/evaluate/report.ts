// Per-class precision/recall/F1 (sklearn's classification_report) plus the course's alpha and beta
// errors for two classes.
import { toClassIndexes } from '../data/categorical.js';
import { confusionMatrix, formatConfusionMatrix, resolveLabels, type Labels } from './confusion-matrix.js';

export interface ClassScoresRow {
  precision: number;
  recall: number;
  f1: number;
  /** True samples of this class. */
  support: number;
}

export interface ClassReportRow extends ClassScoresRow {
  name: string;
  /** The class index. */
  label: number;
}

/**
 * Two-class errors as the course defines them; the positive ("true") class is the second label (1).
 * - alpha: a true sample predicted false = FN / actual positives (the miss rate, 1 - recall of class 1).
 * - beta: a false sample predicted true = FP / actual negatives (the false-positive rate).
 * Note that statistics textbooks name these the other way round (type I = false positive).
 */
export interface BinaryErrors {
  positive: string;
  negative: string;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  trueNegatives: number;
  alpha: number;
  beta: number;
}

export interface ClassificationReport {
  classes: ClassReportRow[];
  accuracy: number;
  macroAvg: ClassScoresRow;
  weightedAvg: ClassScoresRow;
  /** Rows = true class, columns = predicted, in the order of `classes`. */
  confusionMatrix: number[][];
  /** Present when the report covers exactly two classes. */
  binary?: BinaryErrors;
  /** The sklearn-style table (and the alpha/beta lines for two classes). */
  toString(): string;
}

export interface ClassificationReportOptions {
  /** Display names in class-index order (for `labels`, in that order). */
  targetNames?: string[];
  /** Class indexes to report (default 0..K-1). */
  labels?: ArrayLike<number>;
  /** Decimals in the text table (default 2, as sklearn). */
  digits?: number;
}

export function classificationReport(
  yTrue: Labels,
  yPred: Labels,
  options: ClassificationReportOptions = {},
): ClassificationReport {
  const t = toClassIndexes(yTrue, 'yTrue');
  const p = toClassIndexes(yPred, 'yPred');
  const labels = resolveLabels(options.labels, t, p, [yTrue, yPred]);
  const cm = confusionMatrix(t, p, { labels });
  const k = labels.length;
  const names = options.targetNames ?? labels.map(String);
  if (names.length !== k)
    throw new RangeError(
      `classificationReport: targetNames has ${names.length} names but there are ${k} classes (${labels.join(', ')})`,
    );

  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b); // sklearn's zero_division=0
  let total = 0;
  let correct = 0;
  const classes: ClassReportRow[] = [];
  for (let i = 0; i < k; i++) {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += cm[i]![j]!;
      predicted += cm[j]![i]!;
    }
    const tp = cm[i]![i]!;
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    classes.push({ name: names[i]!, label: labels[i]!, precision, recall, f1, support });
    total += support;
    correct += tp;
  }
  const avg = (weight: (r: ClassReportRow) => number): ClassScoresRow => {
    let w = 0;
    const s = { precision: 0, recall: 0, f1: 0 };
    for (const r of classes) {
      const wi = weight(r);
      w += wi;
      s.precision += wi * r.precision;
      s.recall += wi * r.recall;
      s.f1 += wi * r.f1;
    }
    return { precision: ratio(s.precision, w), recall: ratio(s.recall, w), f1: ratio(s.f1, w), support: total };
  };
  const report: ClassificationReport = {
    classes,
    accuracy: ratio(correct, total),
    macroAvg: avg(() => 1),
    weightedAvg: avg((r) => r.support),
    confusionMatrix: cm,
    toString: () => formatReport(report, options.digits ?? 2),
  };
  if (k === 2) {
    const [tn, fp] = cm[0]!;
    const [fn, tp] = cm[1]!;
    report.binary = {
      positive: names[1]!,
      negative: names[0]!,
      truePositives: tp!,
      falseNegatives: fn!,
      falsePositives: fp!,
      trueNegatives: tn!,
      alpha: ratio(fn!, fn! + tp!),
      beta: ratio(fp!, fp! + tn!),
    };
  }
  return report;
}

function formatReport(r: ClassificationReport, digits: number): string {
  const headers = ['precision', 'recall', 'f1-score', 'support'];
  const rowNames = [...r.classes.map((c) => c.name), 'weighted avg'];
  const nameW = Math.max(...rowNames.map((n) => n.length), digits);
  const colW = Math.max(9, digits + 2);
  // sklearn's layout: the name right-aligned, then columns of " {:>9}".
  const cell = (v: string) => ` ${v.padStart(colW)}`;
  const num = (v: number) => cell(v.toFixed(digits));
  const row = (name: string, s: ClassScoresRow) =>
    `${name.padStart(nameW)} ${num(s.precision)}${num(s.recall)}${num(s.f1)}${cell(String(s.support))}`;
  const lines = [`${' '.repeat(nameW)} ${headers.map(cell).join('')}`, ''];
  for (const c of r.classes) lines.push(row(c.name, c));
  lines.push('');
  lines.push(
    `${'accuracy'.padStart(nameW)} ${cell('')}${cell('')}${num(r.accuracy)}${cell(String(r.macroAvg.support))}`,
  );
  lines.push(row('macro avg', r.macroAvg));
  lines.push(row('weighted avg', r.weightedAvg));
  if (r.binary) {
    const b = r.binary;
    const pct = (v: number) => `${(v * 100).toFixed(Math.max(0, digits - 1))} %`;
    lines.push('');
    lines.push(`positive ("true") class: ${b.positive}; negative ("false") class: ${b.negative}`);
    lines.push(
      `alpha error (true predicted false) = FN / actual ${b.positive} = ${b.falseNegatives} / ${b.falseNegatives + b.truePositives} = ${pct(b.alpha)}`,
    );
    lines.push(
      `beta error  (false predicted true) = FP / actual ${b.negative} = ${b.falsePositives} / ${b.falsePositives + b.trueNegatives} = ${pct(b.beta)}`,
    );
  }
  lines.push('');
  lines.push(formatConfusionMatrix(r.confusionMatrix, { targetNames: r.classes.map((c) => c.name) }));
  return lines.join('\n');
}
