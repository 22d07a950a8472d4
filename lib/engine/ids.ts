// Names of the things the native engine knows, in the order of their numeric ids
// (native/core/activations.h, native/core/engine/*.h). Keep both sides in step.

export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leaky_relu', 'elu', 'gelu', 'swish'] as const;
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

/** Learning-rate schedules; 'none' is a constant rate (native/core/engine/spec.h ScheduleId). */
export const SCHEDULES = ['none', 'exponential_decay', 'piecewise_constant_decay', 'inverse_time_decay', 'polynomial_decay', 'cosine_decay'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export const METRICS = [
  'binary_accuracy',
  'categorical_accuracy',
  'sparse_categorical_accuracy',
  'mean_squared_error',
  'mean_absolute_error',
] as const;
export type MetricName = (typeof METRICS)[number];
