// Generated from native/contract.json by scripts/gen-contract.mjs (npm run gen:contract): do not edit.
// The specs the binding parses (lib/engine/contract.ts), their fields' types, defaults, ranges.

export interface DenseSpec {
  kind: 'dense';
  inputDim: number;
  units: number;
  /** Index into ACTIVATIONS. */
  activation: number;
  useBias: boolean;
  /** Kernel regularization factor (0 = none). */
  l1: number;
  /** Kernel regularization factor (0 = none). */
  l2: number;
}

export interface DropoutSpec {
  kind: 'dropout';
  /** Width of the layer (same as its input). */
  units: number;
  rate: number;
  /** Mask seed, an integer in [0, 2^32). */
  seed: number;
}

export interface OptimizerSpec {
  /** Index into OPTIMIZERS. */
  kind: number;
  learningRate: number;
  /** SGD. */
  momentum: number;
  /** SGD. */
  nesterov: boolean;
  /** Adam. */
  beta1: number;
  /** Adam. */
  beta2: number;
  /** RMSprop. */
  rho: number;
  /** Adagrad. */
  initialAccumulator: number;
  epsilon: number;
  /** Keras clipnorm, per weight array; 0 = off. */
  clipNorm: number;
  /** Keras clipvalue; 0 = off. */
  clipValue: number;
}

export interface CompileSpec {
  /** Index into LOSSES. */
  loss: number;
  /** Indexes into METRICS, in the order History reports them. */
  metrics: number[];
  optimizer: OptimizerSpec;
}

/** A spec field: its type, its default (absent: required), its allowed range and how to say it. */
export interface FieldRule {
  readonly type: 'int' | 'float' | 'bool' | 'seed' | 'id' | 'ids' | 'floats' | 'spec';
  readonly min?: number;
  readonly max?: number;
  readonly minOpen?: boolean;
  readonly maxOpen?: boolean;
  readonly default?: number | boolean | readonly number[] | null;
  /** Ids are below this. */
  readonly count?: number;
  /** 'in [0, 1)', '> 0', 'an integer >= 1', 'a loss id below 5'. */
  readonly want: string;
}

export const SPEC_FIELDS = {
  DenseSpec: {
    inputDim: { type: 'int', min: 1, want: 'an integer >= 1' },
    units: { type: 'int', min: 1, want: 'an integer >= 1' },
    activation: { type: 'id', count: 9, want: 'an activation id below 9' },
    useBias: { type: 'bool', default: true, want: '' },
    l1: { type: 'float', min: 0, default: 0, want: '>= 0' },
    l2: { type: 'float', min: 0, default: 0, want: '>= 0' },
  },
  DropoutSpec: {
    units: { type: 'int', min: 1, want: 'an integer >= 1' },
    rate: { type: 'float', min: 0, max: 1, maxOpen: true, want: 'in [0, 1)' },
    seed: { type: 'seed', default: 0, want: '' },
  },
  OptimizerSpec: {
    kind: { type: 'id', count: 4, want: 'an optimizer id below 4' },
    learningRate: { type: 'float', min: 0, minOpen: true, want: '> 0' },
    momentum: { type: 'float', min: 0, max: 1, default: 0, want: 'in [0, 1]' },
    nesterov: { type: 'bool', default: false, want: '' },
    beta1: { type: 'float', min: 0, max: 1, maxOpen: true, default: 0, want: 'in [0, 1)' },
    beta2: { type: 'float', min: 0, max: 1, maxOpen: true, default: 0, want: 'in [0, 1)' },
    rho: { type: 'float', min: 0, max: 1, maxOpen: true, default: 0, want: 'in [0, 1)' },
    initialAccumulator: { type: 'float', min: 0, default: 0, want: '>= 0' },
    epsilon: { type: 'float', min: 0, default: 0, want: '>= 0' },
    clipNorm: { type: 'float', min: 0, default: 0, want: '>= 0' },
    clipValue: { type: 'float', min: 0, default: 0, want: '>= 0' },
  },
  CompileSpec: {
    loss: { type: 'id', count: 5, want: 'a loss id below 5' },
    metrics: { type: 'ids', default: [], count: 5, want: 'a metric id below 5' },
    optimizer: { type: 'spec', want: '' },
  },
} as const satisfies Record<string, Record<string, FieldRule>>;
