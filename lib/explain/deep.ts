// DeepExplainer: SHAP values of a dense network by DeepSHAP (DeepLIFT's rescale rule with each
// background row as the reference, averaged over the background), computed natively in batches.
import { Matrix } from '../matrix.js';
import { native } from '../native.js';
import { checkNonEmpty, checkWidth, toMatrix, type MatrixLike } from './inputs.js';
import { denseStack, type DenseLayerInput, type DenseView, type SequentialLike } from './model.js';

export class DeepExplainer {
  /** Mean model output over the background, one value per output. */
  readonly expectedValue: number[];
  readonly background: Matrix;
  private readonly layers: DenseView[];

  /**
   * @param model a Sequential of Dense/Dropout layers, or a list of `{ kernel, bias, activation }`;
   *   its weights are read now (later training does not change this explainer).
   * @param background reference rows; SHAP's advice: 100 gives good estimates, 1000 very good.
   */
  constructor(model: SequentialLike | readonly DenseLayerInput[], background: MatrixLike) {
    this.layers = denseStack(model, 'DeepExplainer');
    this.background = toMatrix(background, 'DeepExplainer: background');
    checkNonEmpty(this.background, 'DeepExplainer: background');
    checkWidth(this.background, this.features, 'DeepExplainer: background', 'the model');
    const r = native.deepShap(this.layers, new Float32Array(0), 0, this.background.data, this.background.rows);
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
    return this.split(native.deepShap(this.layers, m.data, m.rows, this.background.data, this.background.rows).phi, m.rows);
  }

  /** As shapValues, on a worker thread: the event loop keeps running. */
  async shapValuesAsync(x: MatrixLike): Promise<Matrix[]> {
    const m = this.check(x);
    const r = await native.deepShapAsync(this.layers, m.data, m.rows, this.background.data, this.background.rows);
    return this.split(r.phi, m.rows);
  }

  private check(x: MatrixLike): Matrix {
    const m = toMatrix(x, 'DeepExplainer.shapValues: x');
    checkWidth(m, this.features, 'DeepExplainer.shapValues: x', 'the model');
    return m;
  }

  private split(phi: Float32Array, rows: number): Matrix[] {
    const n = rows * this.features;
    return Array.from({ length: this.outputs }, (_, k) => new Matrix(rows, this.features, phi.subarray(k * n, (k + 1) * n)));
  }
}
