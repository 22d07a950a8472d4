// What a model can carry as its preprocessing: a scaler (files before the Preprocessor) or a Preprocessor.
import { describe } from '../matrix.js';
import { Preprocessor } from './preprocessor.js';
import { scalerFromConfig, type Scaler } from './scalers.js';

export type Preprocessing = Scaler | Preprocessor;

/** Rebuilds preprocessing from its toJSON() output, as stored in a model file. */
export function preprocessingFromConfig(json: unknown): Preprocessing {
  const j = json as { className?: unknown; config?: unknown } | null;
  if (j !== null && typeof j === 'object' && j.className === 'Preprocessor') {
    if (typeof j.config !== 'object' || j.config === null)
      throw new TypeError(`a Preprocessor config must be an object, got ${describe(j.config)}`);
    return Preprocessor.fromConfig(j.config as Record<string, unknown>);
  }
  return scalerFromConfig(json);
}

/** Checks `pre` can be attached to a model whose input is `inputDim` wide (null: not known yet). */
export function checkAttachable(pre: Preprocessing, inputDim: number | null, who: string): void {
  if (typeof pre?.transform !== 'function' || typeof pre.toJSON !== 'function')
    throw new TypeError(
      `${who}: expected a fitted Preprocessor, StandardScaler or MinMaxScaler (or null), got ${describe(pre)}`,
    );
  const what = pre instanceof Preprocessor ? 'the preprocessing' : 'the scaler';
  if (!pre.fitted) throw new Error(`${who}: ${what} is not fitted; call fit(xTrain) first`);
  if (inputDim !== null && pre.nFeatures !== inputDim)
    throw new RangeError(
      `${who}: ${what} ${pre instanceof Preprocessor ? 'outputs' : 'was fitted on'} ${pre.nFeatures} columns but the model's input is ${inputDim} wide`,
    );
}
