// KernelExplainer: model-agnostic SHAP values by Kernel SHAP, a weighted linear regression of the
// model's expected output over coalitions of features with the Shapley kernel as weights, and the
// efficiency constraint (expected + Σ phi = f(x)) built in. With every coalition evaluated the
// solution is the exact Shapley values.
import { Matrix } from '../matrix.js';
import { checkOptions } from '../names.js';
import { CoalitionEvaluator, defaultMaxRows, type CoalitionSet } from './coalitions.js';
import { checkNonEmpty, checkPositiveInt, checkWidth, toMatrix, type MatrixLike } from './inputs.js';
import { seededRandom } from '../random.js';
import { allCoalitions, sampledCoalitions, type Coalitions } from './kernel-sampling.js';
import { predictor, type DenseLayerInput, type PredictFn, type PredictingModel } from './model.js';
import { solveSymmetric } from './solve.js';

export interface KernelShapOptions {
  /** Coalitions per explained row; default 2·features + 2048 (SHAP's 'auto'). Every coalition is
   *  evaluated (exact) when features ≤ 12 or nSamples ≥ 2^features − 2. */
  nSamples?: number;
  /** Seed of the coalition sampling (default 0): the same seed gives the same values. */
  seed?: number;
  /** Rows per predict call (coalitions x background rows); default sized to ~64 MB of inputs. */
  batchRows?: number;
}

/** Features at or below this count are always explained by full enumeration. */
export const EXACT_MAX_FEATURES = 12;

export class KernelExplainer {
  /** Mean model output over the background, one value per output. */
  readonly expectedValue: number[];
  readonly background: Matrix;
  private readonly predict: (x: Matrix) => Matrix;

  /** @param model a predict function (Matrix in, rows x outputs out), a model with predict(x), or dense layers. */
  constructor(model: PredictFn | PredictingModel | readonly DenseLayerInput[], background: MatrixLike) {
    this.predict = predictor(model, 'KernelExplainer');
    this.background = toMatrix(background, 'KernelExplainer: background');
    checkNonEmpty(this.background, 'KernelExplainer: background');
    const p = this.predict(this.background);
    this.expectedValue = Array.from({ length: p.cols }, (_, k) => {
      let s = 0;
      for (let b = 0; b < p.rows; b++) s += p.data[b * p.cols + k]!;
      return s / p.rows;
    });
  }

  get features(): number {
    return this.background.cols;
  }

  /** One Matrix (rows x features) per model output; expectedValue[k] + Σ_j phi[k][i, j] = f(x_i)_k. */
  shapValues(x: MatrixLike, options: KernelShapOptions = {}): Matrix[] {
    checkOptions(options, ['nSamples', 'seed', 'batchRows'], 'KernelExplainer.shapValues');
    const xm = toMatrix(x, 'KernelExplainer.shapValues: x');
    checkWidth(xm, this.features, 'KernelExplainer.shapValues: x', 'the background');
    const D = this.features;
    const B = this.background.rows;
    const nSamples = options.nSamples ?? 2 * D + 2048;
    checkPositiveInt(nSamples, 'KernelExplainer.shapValues: nSamples');
    // Each coalition (at most 2^D of them) is a mask of D bytes: past 2^31 of them no array holds them.
    const coalitions = Math.min(nSamples, 2 ** D);
    if (coalitions * D > 2 ** 31)
      throw new RangeError(
        `KernelExplainer.shapValues: nSamples ${nSamples}: ${coalitions} coalitions of ${D} features need ` +
          `${coalitions * D} bytes of masks, more than an array holds (2^31); lower nSamples`,
      );
    const seed = options.seed ?? 0;
    const maxRows = options.batchRows ?? defaultMaxRows(D, B);
    checkPositiveInt(maxRows, 'KernelExplainer.shapValues: batchRows');

    const K = this.expectedValue.length;
    const fx = xm.rows ? this.predict(xm) : new Matrix(0, K);
    if (fx.cols !== K)
      throw new RangeError(`KernelExplainer: the model gave ${fx.cols} outputs for x but ${K} for the background`);
    const phi = Array.from({ length: K }, () => new Matrix(xm.rows, D));
    const evaluator = new CoalitionEvaluator(this.predict, this.background, maxRows);

    // Rows go to the model in groups whose coalitions fill about one predict call.
    let pending: { i: number; varying: number[]; co: Coalitions; set: CoalitionSet }[] = [];
    let pendingRows = 0;
    const solvePending = () => {
      const v = evaluator.evaluate(pending.map((p) => p.set));
      pending.forEach((p, n) => this.solveRow(p.i, p.varying, p.co, v[n]!, fx, phi));
      pending = [];
      pendingRows = 0;
    };
    for (let i = 0; i < xm.rows; i++) {
      const xi = xm.row(i);
      const varying = this.varyingFeatures(xi);
      const m = varying.length;
      if (m <= 1) {
        // No coalition to evaluate: the one varying feature (if any) carries the whole difference.
        if (m === 1) for (let k = 0; k < K; k++) phi[k]!.set(i, varying[0]!, fx.get(i, k) - this.expectedValue[k]!);
        continue;
      }
      const exact = m <= EXACT_MAX_FEATURES || nSamples >= 2 ** m - 2;
      const co = exact ? allCoalitions(m) : sampledCoalitions(m, nSamples, seededRandom(seed + i));
      const masks = new Uint8Array(co.count * D);
      for (let c = 0; c < co.count; c++) for (let t = 0; t < m; t++) masks[c * D + varying[t]!] = co.masks[c * m + t]!;
      pending.push({ i, varying, co, set: { x: xi, masks, count: co.count } });
      pendingRows += co.count * B;
      if (pendingRows >= maxRows) solvePending();
    }
    if (pending.length) solvePending();
    return phi;
  }

  /** Features where x differs from some background row; the others get exactly 0. */
  private varyingFeatures(xi: Float32Array): number[] {
    const D = this.features;
    const bg = this.background.data;
    const out: number[] = [];
    for (let j = 0; j < D; j++) {
      for (let b = 0; b < this.background.rows; b++) {
        if (bg[b * D + j] !== xi[j]) {
          out.push(j);
          break;
        }
      }
    }
    return out;
  }

  // Weighted least squares for phi over the varying features, with the last one eliminated
  // through the constraint Σ phi = f(x) − expected.
  private solveRow(i: number, varying: number[], co: Coalitions, v: Float64Array, fx: Matrix, phi: Matrix[]): void {
    const m = varying.length;
    const K = this.expectedValue.length;
    const n = m - 1;
    const A = new Float64Array(n * n);
    const rhs = new Float64Array(n * K);
    const diff = Array.from({ length: K }, (_, k) => fx.get(i, k) - this.expectedValue[k]!);
    const row = new Float64Array(n);
    for (let c = 0; c < co.count; c++) {
      const w = co.weights[c]!;
      const last = co.masks[c * m + n]!;
      for (let t = 0; t < n; t++) row[t] = co.masks[c * m + t]! - last;
      for (let t = 0; t < n; t++) {
        const wt = w * row[t]!;
        if (wt === 0) continue;
        for (let u = 0; u <= t; u++) A[t * n + u] += wt * row[u]!;
        for (let k = 0; k < K; k++) rhs[t * K + k] += wt * (v[c * K + k]! - this.expectedValue[k]! - last * diff[k]!);
      }
    }
    for (let t = 0; t < n; t++) for (let u = 0; u < t; u++) A[u * n + t] = A[t * n + u]!;
    const beta = solveSymmetric(A, rhs, n, K);
    for (let k = 0; k < K; k++) {
      let sum = 0;
      for (let t = 0; t < n; t++) {
        phi[k]!.set(i, varying[t]!, beta[t * K + k]!);
        sum += beta[t * K + k]!;
      }
      phi[k]!.set(i, varying[n]!, diff[k]! - sum);
    }
  }
}
