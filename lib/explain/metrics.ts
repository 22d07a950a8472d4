// Scores for permutation importance, by Keras name, computed in float64 over a prediction block.
import { type Matrix, describe } from '../matrix.js';

export type ScoreFn = (yTrue: Matrix, yPred: Matrix) => number;

export interface Scorer {
  name: string;
  score: ScoreFn;
  greaterIsBetter: boolean;
}

const EPS = 1e-7; // Keras's clip for cross-entropies

function mean(n: number, f: (i: number) => number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += f(i);
  return n ? s / n : NaN;
}

function argmax(d: Float32Array, at: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (d[at + j]! > d[at + best]!) best = j;
  return best;
}

/** True class of row i: a class index (one column, several outputs), one-hot argmax, or 0/1. */
function trueClass(y: Matrix, i: number, outputs: number): number {
  if (y.cols === 1) return outputs === 1 ? (y.data[i]! > 0.5 ? 1 : 0) : y.data[i]!;
  return argmax(y.data, i * y.cols, y.cols);
}

function accuracy(y: Matrix, p: Matrix): number {
  return mean(p.rows, (i) => {
    const pred = p.cols === 1 ? (p.data[i]! > 0.5 ? 1 : 0) : argmax(p.data, i * p.cols, p.cols);
    return pred === trueClass(y, i, p.cols) ? 1 : 0;
  });
}

function elementwise(f: (t: number, p: number) => number): ScoreFn {
  return (y, p) => {
    if (y.cols !== p.cols) throw new RangeError(`y has ${y.cols} columns but the model gives ${p.cols} outputs`);
    return mean(p.data.length, (i) => f(y.data[i]!, p.data[i]!));
  };
}

const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

function categorical(y: Matrix, p: Matrix): number {
  return mean(p.rows, (i) => {
    if (y.cols === 1) return -Math.log(clip(p.data[i * p.cols + y.data[i]!]!));
    let s = 0;
    for (let k = 0; k < p.cols; k++) s -= y.data[i * y.cols + k]! * Math.log(clip(p.data[i * p.cols + k]!));
    return s;
  });
}

const SCORERS: Record<string, Scorer> = {
  accuracy: { name: 'accuracy', score: accuracy, greaterIsBetter: true },
  mean_squared_error: {
    name: 'mean_squared_error',
    score: elementwise((t, p) => (t - p) ** 2),
    greaterIsBetter: false,
  },
  mean_absolute_error: {
    name: 'mean_absolute_error',
    score: elementwise((t, p) => Math.abs(t - p)),
    greaterIsBetter: false,
  },
  binary_crossentropy: {
    name: 'binary_crossentropy',
    score: elementwise((t, p) => -(t * Math.log(clip(p)) + (1 - t) * Math.log(1 - clip(p)))),
    greaterIsBetter: false,
  },
  categorical_crossentropy: { name: 'categorical_crossentropy', score: categorical, greaterIsBetter: false },
  sparse_categorical_crossentropy: {
    name: 'sparse_categorical_crossentropy',
    score: categorical,
    greaterIsBetter: false,
  },
};
const ALIASES: Record<string, string> = { mse: 'mean_squared_error', mae: 'mean_absolute_error', acc: 'accuracy' };

export function resolveScorer(
  metric: string | ScoreFn | undefined,
  greaterIsBetter: boolean | undefined,
  fallback: string,
): Scorer {
  if (typeof metric === 'function')
    return { name: metric.name || 'custom', score: metric, greaterIsBetter: greaterIsBetter ?? true };
  const raw = metric ?? fallback;
  if (typeof raw !== 'string') throw new TypeError(`metric must be a name or a function, got ${describe(raw)}`);
  const snake = raw.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const s = SCORERS[ALIASES[snake] ?? snake];
  if (!s)
    throw new RangeError(
      `unknown metric ${JSON.stringify(raw)}; valid: ${[...Object.keys(SCORERS), ...Object.keys(ALIASES)].join(', ')}, or a function (yTrue, yPred) => number`,
    );
  return greaterIsBetter === undefined ? s : { ...s, greaterIsBetter };
}
