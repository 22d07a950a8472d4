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

export interface BatchNormalizationSpec {
  kind: 'batch_normalization';
  /** Width of the layer (same as its input). */
  units: number;
  /** Of the moving statistics. */
  momentum: number;
  epsilon: number;
  /** Learn beta (an offset). */
  center: boolean;
  /** Learn gamma (a factor). */
  scale: boolean;
}

export interface LayerNormalizationSpec {
  kind: 'layer_normalization';
  /** Width of the layer (same as its input). */
  units: number;
  epsilon: number;
  /** Learn beta (an offset). */
  center: boolean;
  /** Learn gamma (a factor). */
  scale: boolean;
}

export interface ActivationSpec {
  kind: 'activation';
  /** Width of the layer (same as its input). */
  units: number;
  /** Index into ACTIVATIONS. */
  activation: number;
}

export interface NormalizationSpec {
  kind: 'normalization';
  /** Width of the layer (same as its input); weights mean, variance. */
  units: number;
  /** y = mean + x * sd instead of (x - mean) / sd (Keras's invert). */
  invert: boolean;
}

export interface ScheduleSpec {
  /** Index into SCHEDULES; 'none' is the constant learningRate. */
  kind: number;
  /** The rate at step 0 (all but piecewise). */
  initial: number;
  decaySteps: number;
  /** Exponential and inverse time decay. */
  decayRate: number;
  staircase: boolean;
  /** Polynomial decay: the final rate. */
  end: number;
  power: number;
  cycle: boolean;
  /** Cosine decay: its floor, a fraction. */
  alpha: number;
  /** Cosine decay: first rise linearly to warmupTarget. */
  warmup: boolean;
  warmupTarget: number;
  warmupSteps: number;
  /** Piecewise constant: increasing steps. */
  boundaries: number[];
  /** Piecewise constant: one more than boundaries. */
  values: number[];
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
  /** Keras global_clipnorm, over all arrays; 0 = off. */
  globalClipNorm: number;
  /** Decoupled weight decay (Keras): w -= w * wd * lr. */
  weightDecay: number;
  /** The learning-rate schedule, evaluated at every step. */
  schedule?: ScheduleSpec | null;
}

export interface CompileSpec {
  /** Index into LOSSES. */
  loss: number;
  /** Indexes into METRICS, in the order History reports them. */
  metrics: number[];
  /** Each metric's two options (metricArgs in lib/metrics.ts), or none. */
  metricArgs: number[];
  optimizer: OptimizerSpec;
  /** Crossentropies: the outputs are logits. */
  fromLogits: boolean;
  /** Binary and dense categorical crossentropy. */
  labelSmoothing: number;
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
  BatchNormalizationSpec: {
    units: { type: 'int', min: 1, want: 'an integer >= 1' },
    momentum: { type: 'float', min: 0, max: 1, default: 0.99, want: 'in [0, 1]' },
    epsilon: { type: 'float', min: 0, minOpen: true, default: 0.001, want: '> 0' },
    center: { type: 'bool', default: true, want: '' },
    scale: { type: 'bool', default: true, want: '' },
  },
  LayerNormalizationSpec: {
    units: { type: 'int', min: 1, want: 'an integer >= 1' },
    epsilon: { type: 'float', min: 0, minOpen: true, default: 0.001, want: '> 0' },
    center: { type: 'bool', default: true, want: '' },
    scale: { type: 'bool', default: true, want: '' },
  },
  ActivationSpec: {
    units: { type: 'int', min: 1, want: 'an integer >= 1' },
    activation: { type: 'id', count: 9, want: 'an activation id below 9' },
  },
  NormalizationSpec: {
    units: { type: 'int', min: 1, want: 'an integer >= 1' },
    invert: { type: 'bool', default: false, want: '' },
  },
  ScheduleSpec: {
    kind: { type: 'id', default: 0, count: 6, want: 'a schedule id below 6' },
    initial: { type: 'float', min: 0, default: 0, want: '>= 0' },
    decaySteps: { type: 'float', min: 0, minOpen: true, default: 1, want: '> 0' },
    decayRate: { type: 'float', min: 0, default: 0, want: '>= 0' },
    staircase: { type: 'bool', default: false, want: '' },
    end: { type: 'float', min: 0, default: 0, want: '>= 0' },
    power: { type: 'float', min: 0, minOpen: true, default: 1, want: '> 0' },
    cycle: { type: 'bool', default: false, want: '' },
    alpha: { type: 'float', min: 0, max: 1, default: 0, want: 'in [0, 1]' },
    warmup: { type: 'bool', default: false, want: '' },
    warmupTarget: { type: 'float', min: 0, default: 0, want: '>= 0' },
    warmupSteps: { type: 'float', min: 0, default: 0, want: '>= 0' },
    boundaries: { type: 'floats', default: [], want: '' },
    values: { type: 'floats', default: [], want: '' },
  },
  OptimizerSpec: {
    kind: { type: 'id', count: 7, want: 'an optimizer id below 7' },
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
    globalClipNorm: { type: 'float', min: 0, default: 0, want: '>= 0' },
    weightDecay: { type: 'float', min: 0, default: 0, want: '>= 0' },
    schedule: { type: 'spec', default: null, want: '' },
  },
  CompileSpec: {
    loss: { type: 'id', count: 13, want: 'a loss id below 13' },
    metrics: { type: 'ids', default: [], count: 11, want: 'a metric id below 11' },
    metricArgs: { type: 'floats', default: [], want: '' },
    optimizer: { type: 'spec', want: '' },
    fromLogits: { type: 'bool', default: false, want: '' },
    labelSmoothing: { type: 'float', min: 0, max: 1, default: 0, want: 'in [0, 1]' },
  },
} as const satisfies Record<string, Record<string, FieldRule>>;
