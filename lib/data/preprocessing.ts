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
