// Dense: y = activation(x · kernel + bias), kernel inputDim x units (Keras's orientation and defaults).
import type { DenseSpec } from '../engine/contract.js';
import { checkField } from '../engine/fields.js';
import { SPEC_FIELDS } from '../engine/specs.js';
import { activationId, resolveActivation, type ActivationIdentifier, type ActivationName } from '../activations.js';
import { initialize, resolveInitializer, type InitializerConfig, type InitializerIdentifier } from '../initializers.js';
import { resolveRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { describe } from '../matrix.js';
import { checkKeys, given } from '../names.js';
import { Layer, type LayerOptions } from './layer.js';

export interface DenseOptions extends LayerOptions {
  /** Default 'linear' (Keras's activation=None). */
  activation?: ActivationIdentifier;
  useBias?: boolean;
  /** Default 'glorot_uniform'. */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  /** `{ l2: 0.01 }`, `l2(0.01)`, `l1l2({ l1, l2 })`, 'l1' / 'l2'. */
  kernelRegularizer?: RegularizerIdentifier;
}

const DENSE_OPTIONS = [
  'inputDim',
  'name',
  'activation',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'kernelRegularizer',
];

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerConfig;
  readonly biasInitializer: InitializerConfig;
  readonly kernelRegularizer: Regularizer | null;

  constructor(units: number, options: DenseOptions = {}) {
    checkField(units, SPEC_FIELDS.DenseSpec.units, 'Dense', 'units');
    if (options === null || typeof options !== 'object')
      throw new TypeError(`Dense: options must be an object, got ${given(options)}`);
    checkKeys(options, DENSE_OPTIONS, 'Dense');
    if (options.useBias !== undefined && typeof options.useBias !== 'boolean')
      throw new TypeError(`Dense: useBias must be a boolean, got ${describe(options.useBias)}`);
    super(options, 'Dense');
    this.units = units;
    this.activation = resolveActivation(options.activation, 'Dense: activation');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = resolveInitializer(
      options.kernelInitializer ?? 'glorot_uniform',
      'Dense: kernelInitializer',
    );
    this.biasInitializer = resolveInitializer(options.biasInitializer ?? 'zeros', 'Dense: biasInitializer');
    this.kernelRegularizer = resolveRegularizer(options.kernelRegularizer, 'Dense: kernelRegularizer');
  }

  outputDim(): number {
    return this.units;
  }

  override weightShapes(): number[][] {
    if (this.inputDim === null) return [];
    return this.useBias ? [[this.inputDim, this.units], [this.units]] : [[this.inputDim, this.units]];
  }

  protected override initialWeights(): Float32Array[] {
    const [kernel, bias] = this.weightShapes();
    const out = [initialize(this.kernelInitializer, kernel!)];
    if (bias) out.push(initialize(this.biasInitializer, bias));
    return out;
  }

  toSpec(): DenseSpec {
    return {
      kind: 'dense',
      inputDim: this.inputDim!,
      units: this.units,
      activation: activationId(this.activation),
      useBias: this.useBias,
      l1: this.kernelRegularizer?.l1 ?? 0,
      l2: this.kernelRegularizer?.l2 ?? 0,
    };
  }

  protected ownConfig() {
    return {
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
      kernelRegularizer: this.kernelRegularizer,
    };
  }
}
