// Test metrics the CLI reports: the classification report and confusion matrix, or MSE/MAE/R².
import { classificationReport, type Matrix, type Sequential, type Table } from '../index.js';
import type { Output } from './output.js';
import type { Task } from './task.js';

export interface RegressionScores {
  mse: number;
  mae: number;
  r2: number;
  rows: number;
}

export function regressionScores(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionScores {
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let se = 0;
  let ae = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = yTrue[i]! - yPred[i]!;
    se += d * d;
    ae += Math.abs(d);
    ss += (yTrue[i]! - mean) ** 2;
  }
  // R² of a constant target is undefined; report 0 as sklearn does for a perfect-but-constant fit's edge case.
  return { mse: se / n, mae: ae / n, r2: ss === 0 ? 0 : 1 - se / ss, rows: n };
}

export interface ScoreResult {
  task: Task;
  rows: number;
  accuracy?: number;
  confusionMatrix?: number[][];
  report?: ReturnType<typeof classificationReport>;
  regression?: RegressionScores;
}

/** Scores `model` on (x, y) and prints the result under `heading`. */
export function scoreAndPrint(
  model: Sequential,
  x: Matrix | Table,
  y: Int32Array | Float32Array,
  task: Task,
  classNames: string[] | undefined,
  heading: string,
  out: Output,
): ScoreResult {
  const rows = y.length;
  out.line('');
  out.line(`${heading} (${rows} rows)`);
  if (task === 'classification') {
    const predicted = model.predictClasses(x);
    const report = classificationReport(y, predicted, {
      targetNames: classNames,
      labels: classNames?.map((_, i) => i),
    });
    out.line('');
    out.line(report.toString()); // the per-class table, then the confusion matrix
    return { task, rows, accuracy: report.accuracy, confusionMatrix: report.confusionMatrix, report };
  }
  const p = model.predict(x);
  const s = regressionScores(y, p.data);
  out.line(`  MSE ${fmt(s.mse)}   MAE ${fmt(s.mae)}   R² ${s.r2.toFixed(4)}`);
  return { task, rows, regression: s };
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(+v.toPrecision(5));
}

/** The JSON form of a score (the report without its toString). */
export function scoreJson(s: ScoreResult): Record<string, unknown> {
  if (s.task === 'regression') return { rows: s.rows, ...s.regression };
  const r = s.report!;
  return {
    rows: s.rows,
    accuracy: r.accuracy,
    confusionMatrix: r.confusionMatrix,
    classes: r.classes,
    macroAvg: r.macroAvg,
    weightedAvg: r.weightedAvg,
    ...(r.binary ? { binary: r.binary } : {}),
  };
}
