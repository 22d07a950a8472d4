// Exact Shapley values by enumerating every coalition: v(S) = mean over the background of
// f(x with S from x, the rest from the background row). 2^features model evaluations per row
// (times the background), so only for few features; a reference for the approximations.
import { Matrix } from '../matrix.js';
import { CoalitionEvaluator } from './coalitions.js';
import { checkNonEmpty, checkWidth, toMatrix, type MatrixLike } from './inputs.js';
import { binomial } from './kernel-sampling.js';
import { predictor, type DenseLayerInput, type PredictFn, type PredictingModel } from './model.js';

export const EXACT_SHAPLEY_MAX_FEATURES = 16;

/** One Matrix (rows x features) per output, as the explainers return. */
export function exactShapleyValues(
  model: PredictFn | PredictingModel | readonly DenseLayerInput[],
  x: MatrixLike,
  background: MatrixLike,
): Matrix[] {
  const predict = predictor(model, 'exactShapleyValues');
  const bg = toMatrix(background, 'exactShapleyValues: background');
  checkNonEmpty(bg, 'exactShapleyValues: background');
  const xm = toMatrix(x, 'exactShapleyValues: x');
  checkWidth(xm, bg.cols, 'exactShapleyValues: x', 'the background');
  const M = bg.cols;
  if (M > EXACT_SHAPLEY_MAX_FEATURES)
    throw new RangeError(
      `exactShapleyValues: ${M} features means 2^${M} coalitions per row; at most ${EXACT_SHAPLEY_MAX_FEATURES} features`,
    );
  const n = 2 ** M;
  const masks = new Uint8Array(n * M);
  for (let s = 0; s < n; s++) for (let j = 0; j < M; j++) masks[s * M + j] = (s >>> j) & 1;
  const sets = Array.from({ length: xm.rows }, (_, i) => ({ x: xm.row(i), masks, count: n }));
  const values = new CoalitionEvaluator(predict, bg).evaluate(sets);
  const K = values.length ? values[0]!.length / n : 0;
  const phi = Array.from({ length: K }, () => new Matrix(xm.rows, M));
  // weight of a coalition of size s not holding j: s! (M - s - 1)! / M! = 1 / (M · C(M - 1, s))
  const weight = Array.from({ length: M }, (_, s) => 1 / (M * binomial(M - 1, s)));
  values.forEach((v, i) => {
    for (let j = 0; j < M; j++) {
      const bit = 1 << j;
      for (let k = 0; k < K; k++) {
        let acc = 0;
        for (let s = 0; s < n; s++) {
          if (s & bit) continue;
          acc += weight[popcount(s)]! * (v[(s | bit) * K + k]! - v[s * K + k]!);
        }
        phi[k]!.set(i, j, acc);
      }
    }
  });
  return phi;
}

function popcount(v: number): number {
  let c = 0;
  for (; v; v &= v - 1) c++;
  return c;
}
