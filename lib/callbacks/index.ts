export {
  Callback,
  CallbackList,
  type CallbackHooks,
  type FitParams,
  type Logs,
  type TrainingModel,
} from './callback.js';
export { MonitorCallback, type MonitorMode, type MonitorOptions } from './monitor.js';
export { History } from './history.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export { TerminateOnNaN } from './terminate-on-nan.js';
export { ProgressLogger } from './progress.js';
export { LearningRateScheduler, type LearningRateFunction } from './learning-rate-scheduler.js';
export { CSVLogger, type CSVLoggerOptions } from './csv-logger.js';
export { LambdaCallback, type LambdaCallbackOptions } from './lambda-callback.js';
export { BackupAndRestore, type BackupAndRestoreOptions } from './backup-and-restore.js';
