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
  'huber',
  'log_cosh',
  'hinge',
  'squared_hinge',
  'kl_divergence',
  'poisson',
  'mean_absolute_percentage_error',
  'mean_squared_logarithmic_error',
] as const;
export type LossName = (typeof LOSSES)[number];

export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adamw', 'nadam', 'adamax'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const SCHEDULES = [
  'none',
  'exponential_decay',
  'piecewise_constant_decay',
  'inverse_time_decay',
  'polynomial_decay',
  'cosine_decay',
] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export const METRICS = [
  'binary_accuracy',
  'categorical_accuracy',
  'sparse_categorical_accuracy',
  'mean_squared_error',
  'mean_absolute_error',
  'precision',
  'recall',
  'auc',
  'f1_score',
  'top_k_categorical_accuracy',
  'r2_score',
] as const;
export type MetricName = (typeof METRICS)[number];

export const SOFTMAX_RULES = ['shift-invariant', 'shap', 'shapley'] as const;
export type SoftmaxRuleName = (typeof SOFTMAX_RULES)[number];

export const LAYER_KINDS = [
  'dense',
  'dropout',
  'batch_normalization',
  'layer_normalization',
  'activation',
  'normalization',
] as const;
export type LayerKindName = (typeof LAYER_KINDS)[number];

/** Keras's defaults of each optimizer: its learning rate and the OptimizerSpec fields it uses. */
export const OPTIMIZER_DEFAULTS = {
  sgd: { learningRate: 0.01, momentum: 0, nesterov: false },
  adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  rmsprop: { learningRate: 0.001, rho: 0.9, epsilon: 1e-7 },
  adagrad: { learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 },
  adamw: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 },
  nadam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adamax: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
} as const;
