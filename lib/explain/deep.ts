// DeepExplainer: SHAP values of a dense network by DeepSHAP (DeepLIFT's rescale rule with each
// background row as the reference, averaged over the background), computed natively in batches.
import { SOFTMAX_RULES, type SoftmaxRuleName } from '../engine/ids.js';
import { Matrix } from '../matrix.js';
import { checkOptions, given } from '../names.js';
import { native } from '../native.js';
import { checkNonEmpty, checkWidth, toMatrix, type MatrixLike } from './inputs.js';
import { denseStack, inputTransform, type DenseLayerInput, type DenseView, type SequentialLike } from './model.js';

export interface DeepExplainerOptions {
  /**
   * How attributions pass through softmax (every rule sums exactly to the output's change):
   * - 'shapley' (default): the exact Shapley values of the softmax's logits, row against
   *   reference (2^K coalitions; DeepSHAP's rule for a multi-input nonlinearity). Bounded by the
   *   output's range. Softmax layers of more than 12 units use 'shift-invariant'.
   * - 'shift-invariant': SHAP's decomposition (exp, row sum, division with the two-input Shapley
   *   split) on the raw logits; cheap, but a large change of the log-sum-exp between row and
   *   reference inflates opposite terms.
   * - 'shap': SHAP's deep_tf.py exactly, on max-centered logits mapped back by Δ(z − max z)/Δz;
   *   that ratio explodes when a logit barely moves while the max does, giving large values of
   *   opposite sign that cancel (SHAP issue #1203). For parity with Python SHAP.
   */
  softmaxRule?: SoftmaxRuleName;
}

export type { SoftmaxRuleName };

export class DeepExplainer {
  /** Mean model output over the background, one value per output. */
  readonly expectedValue: number[];
  readonly background: Matrix;
  readonly softmaxRule: SoftmaxRuleName;
  private readonly layers: DenseView[];
  /** The model's scaler, applied to rows before the dense layers; background already through it. */
  private readonly transform: ((x: Matrix) => Matrix) | null;
  private readonly bgInput: Matrix;

  /**
   * @param model a Sequential of Dense/Dropout layers, or a list of `{ kernel, bias, activation }`;
   *   its weights are read now (later training does not change this explainer).
   * @param background reference rows; SHAP's advice: 100 gives good estimates, 1000 very good.
   */
  constructor(
    model: SequentialLike | readonly DenseLayerInput[],
    background: MatrixLike,
    options: DeepExplainerOptions = {},
  ) {
    this.layers = denseStack(model, 'DeepExplainer');
    checkOptions(options, ['softmaxRule'], 'DeepExplainer');
    const rule = options.softmaxRule ?? 'shapley';
    if (!SOFTMAX_RULES.includes(rule))
      throw new RangeError(
        `DeepExplainer: softmaxRule must be 'shapley', 'shift-invariant' or 'shap', got ${given(rule)}`,
      );
    this.softmaxRule = rule;
    this.background = toMatrix(background, 'DeepExplainer: background');
    checkNonEmpty(this.background, 'DeepExplainer: background');
    checkWidth(this.background, this.features, 'DeepExplainer: background', 'the model');
    this.transform = inputTransform(model);
    this.bgInput = this.transform ? this.transform(this.background) : this.background;
    const r = native.deepShap(this.layers, new Float32Array(0), 0, this.bgInput.data, this.bgInput.rows, 0);
    this.expectedValue = Array.from(r.expected);
  }

  get features(): number {
    return this.layers[0]!.inDim;
  }

  get outputs(): number {
    return this.layers[this.layers.length - 1]!.units;
  }

  /** One Matrix (rows x features) per model output: expectedValue[k] + Σ_j phi[k][i, j] = f(x_i)_k. */
  shapValues(x: MatrixLike): Matrix[] {
    const m = this.check(x);
    return this.split(
      native.deepShap(this.layers, m.data, m.rows, this.bgInput.data, this.bgInput.rows, this.ruleId).phi,
      m.rows,
    );
  }

  /** As shapValues, on a worker thread: the event loop keeps running. */
  async shapValuesAsync(x: MatrixLike): Promise<Matrix[]> {
    const m = this.check(x);
    const r = await native.deepShapAsync(
      this.layers,
      m.data,
      m.rows,
      this.bgInput.data,
      this.bgInput.rows,
      this.ruleId,
    );
    return this.split(r.phi, m.rows);
  }

  private get ruleId(): number {
    return SOFTMAX_RULES.indexOf(this.softmaxRule);
  }

  private check(x: MatrixLike): Matrix {
    const m = toMatrix(x, 'DeepExplainer.shapValues: x');
    checkWidth(m, this.features, 'DeepExplainer.shapValues: x', 'the model');
    return this.transform ? this.transform(m) : m;
  }

  private split(phi: Float32Array, rows: number): Matrix[] {
    const n = rows * this.features;
    return Array.from(
      { length: this.outputs },
      (_, k) => new Matrix(rows, this.features, phi.subarray(k * n, (k + 1) * n)),
    );
  }
}
