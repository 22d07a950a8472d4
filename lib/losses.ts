// Loss identifiers (Keras names, short aliases, camelCase) → the engine's ids. The math runs natively:
// reduction "sum_over_batch_size", crossentropies clipped to [1e-7, 1 - 1e-7] (lib/engine/contract.ts).
import { LOSSES, type LossName } from './engine/ids.js';
import { resolveName } from './names.js';

export type { LossName };

const TABLE: Record<string, LossName> = {
  ...Object.fromEntries(LOSSES.map((l) => [l, l])),
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
};

const SHOWN = [...LOSSES, 'mse', 'mae'];

export function resolveLoss(name: unknown): LossName {
  return resolveName(name, TABLE, 'compile: loss', SHOWN);
}

export function lossId(name: LossName): number {
  return LOSSES.indexOf(name);
}

/** Targets are class indexes (one per row) rather than rows of the output width. */
export function isSparseLoss(name: LossName): boolean {
  return name === 'sparse_categorical_crossentropy';
}
