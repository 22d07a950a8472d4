// Generated from native/contract.json by scripts/gen-contract.mjs (npm run gen:contract): do not edit.
// Names of what the native engine knows, in the order of their numeric ids.

export const ACTIVATIONS = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'leaky_relu',
  'elu',
  'gelu',
  'swish',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const LOSSES = [
  'mean_squared_error',
  'mean_absolute_error',
  'binary_crossentropy',
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
] as const;
export type LossName = (typeof LOSSES)[number];

export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const METRICS = [
  'binary_accuracy',
  'categorical_accuracy',
  'sparse_categorical_accuracy',
  'mean_squared_error',
  'mean_absolute_error',
] as const;
export type MetricName = (typeof METRICS)[number];

export const SOFTMAX_RULES = ['shift-invariant', 'shap', 'shapley'] as const;
export type SoftmaxRuleName = (typeof SOFTMAX_RULES)[number];

export const LAYER_KINDS = ['dense', 'dropout'] as const;
export type LayerKindName = (typeof LAYER_KINDS)[number];

/** Keras's defaults of each optimizer: its learning rate and the OptimizerSpec fields it uses. */
export const OPTIMIZER_DEFAULTS = {
  sgd: { learningRate: 0.01, momentum: 0, nesterov: false },
  adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  rmsprop: { learningRate: 0.001, rho: 0.9, epsilon: 1e-7 },
  adagrad: { learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 },
} as const;
