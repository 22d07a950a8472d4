// LambdaCallback (Keras 3's keras/src/callbacks/lambda_callback.py): a callback from plain functions.
import { checkKeys } from '../names.js';
import { describe } from '../matrix.js';
import { Callback, HOOKS, type Logs } from './callback.js';

export interface LambdaCallbackOptions {
  onTrainBegin?: (logs: Logs) => void | Promise<void>;
  onTrainEnd?: (logs: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  /** Called during an epoch at most every 100 ms (batches run natively), with the running loss; and for its last
   *  batch. */
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
}

export class LambdaCallback extends Callback {
  constructor(options: LambdaCallbackOptions = {}) {
    super();
    if (options === null || typeof options !== 'object')
      throw new TypeError(`LambdaCallback: options must be an object of hooks, got ${describe(options)}`);
    checkKeys(options, HOOKS, 'LambdaCallback');
    // Only the hooks given exist: fit runs whole epochs natively when nothing needs them.
    for (const hook of HOOKS) {
      const f = options[hook];
      if (f === undefined) continue;
      if (typeof f !== 'function')
        throw new TypeError(`LambdaCallback: ${hook} must be a function, got ${describe(f)}`);
      (this as unknown as Record<string, unknown>)[hook] = f;
    }
  }
}
