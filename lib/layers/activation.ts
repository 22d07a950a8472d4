// Activation: applies an activation function on its own, e.g. Dense(64) -> BatchNormalization ->
// Activation('relu'). The engine runs the same kernels as Dense's activations.
import type { ActivationSpec } from '../engine/contract.js';
import { activationId, resolveActivation, type ActivationIdentifier, type ActivationName } from '../activations.js';
import { describe } from '../matrix.js';
import { checkKeys, given } from '../names.js';
import { Layer, type LayerOptions } from './layer.js';

export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activation: ActivationName;

  constructor(activation: ActivationIdentifier, options: LayerOptions = {}) {
    if (options === null || typeof options !== 'object')
      throw new TypeError(`Activation: options must be an object, got ${given(options)}`);
    checkKeys(options, ['inputDim', 'name'], 'Activation');
    if (typeof activation !== 'string')
      throw new TypeError(
        `Activation: activation must be an activation name such as 'relu', got ${describe(activation)}`,
      );
    const name = resolveActivation(activation, 'Activation: activation');
    super(options, 'Activation');
    this.activation = name;
  }

  outputDim(inputDim: number): number {
    return inputDim;
  }

  toSpec(): ActivationSpec {
    return { kind: 'activation', units: this.inputDim!, activation: activationId(this.activation) };
  }

  protected ownConfig() {
    return { activation: this.activation };
  }
}
