// Permutation importance (Breiman 2001; scikit-learn's permutation_importance): how much the
// score drops when one feature's column is shuffled, breaking its link to the target.
import { Matrix, attached, describe, intact } from '../matrix.js';
import { checkOptions, given } from '../names.js';
import { checkNonEmpty, checkPositiveInt, toMatrix, type MatrixLike } from './inputs.js';
import { seededRandom } from '../random.js';
import { resolveScorer, type ScoreFn } from './metrics.js';
import { predictor, type DenseLayerInput, type PredictFn, type PredictingModel } from './model.js';

/** Score drops permutationImportance returns at most (features x repeats). */
const MAX_DROPS = 2 ** 24;

export interface PermutationImportanceOptions {
  /** 'accuracy', 'mse', 'mae', a Keras loss name, or a function (yTrue, yPred) => score.
   *  Default: 'accuracy' when the model has several outputs or y holds only 0/1, else 'mse'. */
  metric?: string | ScoreFn;
  /** For a metric function: is a higher score better (default true)? Names know their direction. */
  greaterIsBetter?: boolean;
  /** Shuffles per feature (default 5). */
  repeats?: number;
  seed?: number;
}

export interface PermutationImportance {
  /** Per feature: the mean over repeats of the score drop (for losses, the rise of the loss). */
  importancesMean: number[];
  importancesStd: number[];
  /** features x repeats drops. */
  importances: number[][];
  baselineScore: number;
  metric: string;
}

/** Targets as rows x columns: number[] / typed arrays become one column (values or class indexes). */
function toTargets(y: unknown, rows: number): Matrix {
  let m: Matrix;
  if (y instanceof Matrix) m = intact(y, 'permutationImportance: y');
  else if (
    ArrayBuffer.isView(y) &&
    !(y instanceof DataView || y instanceof BigInt64Array || y instanceof BigUint64Array) &&
    attached(y, 'permutationImportance: y')
  )
    m = new Matrix((y as Float32Array).length, 1, Float32Array.from(y as Float32Array));
  else if (Array.isArray(y) && (y.length === 0 || typeof y[0] === 'number'))
    m = new Matrix(y.length, 1, Float32Array.from(y as number[]));
  else if (Array.isArray(y)) m = Matrix.from(y as number[][], 'permutationImportance: y');
  else
    throw new TypeError(
      `permutationImportance: y must be a Matrix, number[][], number[] or a typed array, got ${describe(y)}`,
    );
  if (m.rows !== rows) throw new RangeError(`permutationImportance: x has ${rows} rows but y has ${m.rows}`);
  return m;
}

export function permutationImportance(
  model: PredictFn | PredictingModel | readonly DenseLayerInput[],
  x: MatrixLike,
  y: Matrix | ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  options: PermutationImportanceOptions = {},
): PermutationImportance {
  checkOptions(options, ['metric', 'greaterIsBetter', 'repeats', 'seed'], 'permutationImportance');
  const predict = predictor(model, 'permutationImportance');
  const xm = toMatrix(x, 'permutationImportance: x');
  checkNonEmpty(xm, 'permutationImportance: x');
  const ym = toTargets(y, xm.rows);
  const repeats = options.repeats ?? 5;
  checkPositiveInt(repeats, 'permutationImportance: repeats');
  // The drops come back as features x repeats numbers: past 2^24 of them V8 aborts the process on the array's growth.
  if (repeats * xm.cols > MAX_DROPS)
    throw new RangeError(
      `permutationImportance: repeats ${given(repeats)} for ${xm.cols} features is ${repeats * xm.cols} score drops ` +
        `to return; at most ${MAX_DROPS} (lower repeats)`,
    );
  const random = seededRandom(options.seed ?? 0);

  const N = xm.rows;
  const D = xm.cols;
  const base = predict(xm);
  let binary = true;
  for (const v of ym.data) if (v !== 0 && v !== 1) binary = false;
  const scorer = resolveScorer(options.metric, options.greaterIsBetter, base.cols > 1 || binary ? 'accuracy' : 'mse');
  const baselineScore = scorer.score(ym, base);

  // Each call predicts several shuffled copies of x stacked, up to ~16M inputs.
  const perCall = Math.max(1, Math.min(repeats, Math.floor((16 << 20) / (N * D))));
  const buf = new Float32Array(perCall * N * D);
  const perm = new Int32Array(N);
  const importances: number[][] = [];
  for (let j = 0; j < D; j++) {
    const drops: number[] = [];
    for (let r0 = 0; r0 < repeats; r0 += perCall) {
      const n = Math.min(perCall, repeats - r0);
      for (let r = 0; r < n; r++) {
        const block = buf.subarray(r * N * D, (r + 1) * N * D);
        block.set(xm.data);
        for (let i = 0; i < N; i++) perm[i] = i;
        for (let i = N - 1; i > 0; i--) {
          const t = Math.floor(random() * (i + 1));
          const s = perm[i]!;
          perm[i] = perm[t]!;
          perm[t] = s;
        }
        for (let i = 0; i < N; i++) block[i * D + j] = xm.data[perm[i]! * D + j]!;
      }
      const p = predict(new Matrix(n * N, D, buf.subarray(0, n * N * D)));
      for (let r = 0; r < n; r++) {
        const score = scorer.score(ym, p.sliceRows(r * N, (r + 1) * N));
        drops.push(scorer.greaterIsBetter ? baselineScore - score : score - baselineScore);
      }
    }
    importances.push(drops);
  }
  const importancesMean = importances.map((d) => d.reduce((a, b) => a + b, 0) / d.length);
  const importancesStd = importances.map((d, j) =>
    Math.sqrt(d.reduce((a, b) => a + (b - importancesMean[j]!) ** 2, 0) / d.length),
  );
  return { importancesMean, importancesStd, importances, baselineScore, metric: scorer.name };
}
