// The base of myelin's layers. A layer is built (its input width known, its weights drawn from
// the seeded initializers) when added to a Sequential model whose input width is known. Its weights
// then live in the model's native engine; before that, in `initial`.
import type { LayerSpec } from '../engine/contract.js';
import { checkField } from '../engine/fields.js';
import { SPEC_FIELDS } from '../engine/specs.js';
import type { Matrix } from '../matrix.js';

/** Keras-style serialized layer: `{ className: 'Dense', config: { name, units, ... } }`. */
export interface LayerConfig {
  className: string;
  config: Record<string, unknown>;
}

/** Where a built layer's weights live once its model has an engine (set by Sequential). */
export interface WeightOwner {
  layerWeights(layer: Layer): (Matrix | Float32Array)[];
  setLayerWeights(layer: Layer, weights: readonly unknown[]): void;
}

export interface LayerOptions {
  /** Input width; required on a model's first layer. */
  inputDim?: number;
  /** Unique within a model; default: the class name in snake_case, numbered ('dense', 'dense_1'). */
  name?: string;
}

export abstract class Layer {
  abstract readonly className: string;
  /** Name given in the options (null: assigned by the model on add). */
  protected givenName: string | null;
  private assignedName: string | null = null;
  /** Input width: from options on a first layer, else the previous layer's output width once added. */
  inputDim: number | null;
  /** @internal Weights drawn at build, until the model's engine takes them. */
  initial: Float32Array[] | null = null;
  /** @internal Set by the model that holds this layer. */
  owner: WeightOwner | null = null;

  protected constructor(opts: LayerOptions, who: string) {
    if (opts.inputDim !== undefined) checkField(opts.inputDim, SPEC_FIELDS.DenseSpec.inputDim, who, 'inputDim');
    if (opts.name !== undefined && (typeof opts.name !== 'string' || opts.name === ''))
      throw new TypeError(`${who}: name must be a non-empty string, got ${JSON.stringify(opts.name)}`);
    this.inputDim = opts.inputDim ?? null;
    this.givenName = opts.name ?? null;
  }

  get name(): string {
    return this.givenName ?? this.assignedName ?? this.defaultName();
  }

  /** @internal Sequential names unnamed layers when they are added. */
  assignName(name: string): void {
    if (this.givenName === null) this.assignedName = name;
  }

  /** snake_case class name: the stem of default names. */
  defaultName(): string {
    return this.className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  }

  get built(): boolean {
    return this.inputDim !== null;
  }

  /** Output width given the input width. */
  abstract outputDim(inputDim: number): number;

  /** Keras's output shape, `[null, units]` (null: the batch), or null while the layer is unbuilt. */
  get outputShape(): [null, number] | null {
    return this.inputDim === null ? null : [null, this.outputDim(this.inputDim)];
  }

  /** Keras's input shape, `[null, inputDim]`, or null while the layer is unbuilt. */
  get inputShape(): [null, number] | null {
    return this.inputDim === null ? null : [null, this.inputDim];
  }

  /** Shapes of the weight arrays in getWeights() order ([] for layers without weights). */
  weightShapes(): number[][] {
    return [];
  }

  /** Keras's variable names in getWeights() order: 'kernel', 'bias', 'gamma', 'moving_mean'... */
  weightNames(): string[] {
    return this.weightShapes().map((s) => (s.length === 2 ? 'kernel' : 'bias'));
  }

  /** Number of parameters, trainable or not (Keras's count_params(); 0 while unbuilt). */
  countParams(): number {
    return this.weightShapes().reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  }

  /** Parameters that training does not fit by gradient (moving statistics, adapted statistics). */
  nonTrainableParams(): number {
    return 0;
  }

  /** @internal Sets the input width and draws initial weights. */
  build(inputDim: number): void {
    if (this.inputDim !== null && this.inputDim !== inputDim)
      throw new RangeError(
        `${this.className} '${this.name}': inputDim is ${this.inputDim} but the previous layer outputs ${inputDim}`,
      );
    this.inputDim = inputDim;
    try {
      this.initial = this.initialWeights();
    } catch (e) {
      // A size no typed array can hold ('Invalid typed array length: 1000000000000'): say whose.
      if (!(e instanceof RangeError)) throw e;
      const sizes = this.weightShapes()
        .map((s) => s.join(' x '))
        .join(', ');
      throw new RangeError(`${this.className} '${this.name}': cannot allocate its weights (${sizes}): ${e.message}`);
    }
  }

  protected initialWeights(): Float32Array[] {
    return [];
  }

  /** This layer's weights, as Keras orders them (Dense: kernel Matrix, then bias). Copies. */
  getWeights(): (Matrix | Float32Array)[] {
    if (!this.owner)
      throw new Error(`${this.className} '${this.name}': getWeights needs the layer to be in a built model`);
    return this.owner.layerWeights(this);
  }

  setWeights(weights: readonly unknown[]): void {
    if (!this.owner)
      throw new Error(`${this.className} '${this.name}': setWeights needs the layer to be in a built model`);
    this.owner.setLayerWeights(this, weights);
  }

  /** @internal What the engine builds for this layer. */
  abstract toSpec(): LayerSpec;

  /** Keras-style config; `layerFromConfig` (lib/layers/index.ts) rebuilds the layer. */
  getConfig(): LayerConfig {
    const config: Record<string, unknown> = { name: this.name, ...this.ownConfig() };
    if (this.inputDim !== null) config['inputDim'] = this.inputDim;
    return { className: this.className, config };
  }

  protected abstract ownConfig(): Record<string, unknown>;
}
