// The public API of myelin.
export { Matrix } from './matrix.js';
export { matmul, matmulAsync, type MatmulOptions } from './ops.js';
export { backendInfo, setNumThreads, version, type BackendInfo } from './backend.js';
export { setSeed } from './random.js';
export { Sequential, type SequentialConfig, type EvaluateOptions } from './model/sequential.js';
export type { WeightInfo, WeightValue } from './model/weights.js';
export { NonFiniteLossError, type FitOptions } from './model/fit.js';
export type { Dataset, DatasetBatch, FitDatasetOptions } from './model/fit-dataset.js';
export type { CompileArgs, CompileConfig } from './model/compile.js';
export {
  Metric,
  Precision,
  Recall,
  AUC,
  F1Score,
  TopKCategoricalAccuracy,
  R2Score,
  type MetricConfig,
  type MetricIdentifier,
  type MonitorName,
} from './metrics.js';
export {
  Layer,
  Dense,
  Dropout,
  BatchNormalization,
  LayerNormalization,
  Activation,
  Normalization,
  layerFromConfig,
  type LayerConfig,
  type LayerOptions,
  type DenseOptions,
  type DropoutOptions,
  type BatchNormalizationOptions,
  type LayerNormalizationOptions,
  type NormalizationOptions,
} from './layers/index.js';
export {
  Optimizer,
  SGD,
  Adam,
  RMSprop,
  Adagrad,
  AdamW,
  Nadam,
  Adamax,
  type OptimizerConfig,
  type OptimizerIdentifier,
  type SGDOptions,
  type AdamOptions,
  type RMSpropOptions,
  type AdagradOptions,
  type AdamWOptions,
  type NadamOptions,
  type AdamaxOptions,
} from './optimizers.js';
export {
  LearningRateSchedule,
  ExponentialDecay,
  PiecewiseConstantDecay,
  InverseTimeDecay,
  PolynomialDecay,
  CosineDecay,
  type ScheduleConfig,
  type ExponentialDecayOptions,
  type PiecewiseConstantDecayOptions,
  type PolynomialDecayOptions,
  type CosineDecayOptions,
} from './schedules.js';
export { l1, l2, l1l2, type Regularizer } from './regularizers.js';
export type { InitializerConfig, InitializerIdentifier } from './initializers.js';
export type { ActivationName } from './activations.js';
export {
  Loss,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  type CrossentropyOptions,
  type LossConfig,
  type LossName,
} from './losses.js';
export {
  Callback,
  MonitorCallback,
  History,
  EarlyStopping,
  ReduceLROnPlateau,
  ModelCheckpoint,
  TerminateOnNaN,
  LearningRateScheduler,
  CSVLogger,
  LambdaCallback,
  BackupAndRestore,
  type LearningRateFunction,
  type CSVLoggerOptions,
  type LambdaCallbackOptions,
  type BackupAndRestoreOptions,
  type CallbackHooks,
  type FitParams,
  type Logs,
  type TrainingModel,
  type MonitorMode,
  type MonitorOptions,
  type EarlyStoppingOptions,
  type ReduceLROnPlateauOptions,
  type ModelCheckpointOptions,
} from './callbacks/index.js';
export * from './data/index.js';
export * from './evaluate/index.js';
export * as datasets from './datasets/index.js';
export {
  plotHistory,
  plotConfusionMatrix,
  plotModel,
  plotDecisionBoundary,
  svgToPng,
  type HistoryLike,
  type LayerDescription,
  type PlotConfusionMatrixOptions,
  type PlotDecisionBoundaryOptions,
  type PlotFileOptions,
  type PlotHistoryOptions,
  type PlotModelOptions,
} from './plot/index.js';
export {
  DeepExplainer,
  KernelExplainer,
  summaryPlot,
  type DeepExplainerOptions,
  type SoftmaxRuleName,
  type SummaryPlotOptions,
  exactShapleyValues,
  permutationImportance,
  type DenseLayerInput,
  type KernelShapOptions,
  type PermutationImportance,
  type PermutationImportanceOptions,
} from './explain/index.js';
export * from './io/index.js';
