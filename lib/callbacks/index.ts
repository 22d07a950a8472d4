export { Callback, CallbackList, type CallbackHooks, type FitParams, type Logs } from './callback.js';
export { History } from './history.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { TerminateOnNaN } from './terminate-on-nan.js';
export { ProgressLogger } from './progress.js';
