// Dropout: inverted dropout while training (keep with probability 1 - rate, scale by 1 / (1 - rate)),
// identity at inference. Masks come from a counter-based generator keyed by the seed.
import type { DropoutSpec } from '../engine/contract.js';
import { checkField } from '../engine/fields.js';
import { SPEC_FIELDS } from '../engine/specs.js';
import { drawSeed } from '../random.js';
import { checkKeys, given } from '../names.js';
import { Layer, type LayerOptions } from './layer.js';

export interface DropoutOptions extends LayerOptions {
  /** Mask seed; default: drawn from the global generator (setSeed) when the layer is created. */
  seed?: number;
}

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number;

  constructor(rate: number, options: DropoutOptions = {}) {
    checkField(rate, SPEC_FIELDS.DropoutSpec.rate, 'Dropout', 'rate');
    if (options === null || typeof options !== 'object')
      throw new TypeError(`Dropout: options must be an object, got ${given(options)}`);
    if (
      options.seed !== undefined &&
      (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff)
    )
      throw new RangeError(`Dropout: seed must be an integer in [0, 2^32), got ${given(options.seed)}`);
    checkKeys(options, ['inputDim', 'name', 'seed'], 'Dropout');
    super(options, 'Dropout');
    this.rate = rate;
    this.seed = options.seed ?? drawSeed();
  }

  outputDim(inputDim: number): number {
    return inputDim;
  }

  toSpec(): DropoutSpec {
    return { kind: 'dropout', units: this.inputDim!, rate: this.rate, seed: this.seed };
  }

  protected ownConfig() {
    return { rate: this.rate, seed: this.seed };
  }
}
