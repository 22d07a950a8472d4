// Activation names → the engine's ids (lib/engine/ids.ts). The math runs natively.
import { ACTIVATIONS, type ActivationName } from './engine/ids.js';
import { resolveName, type Spellings } from './names.js';

export type { ActivationName };
/** An activation name in any accepted spelling ('relu', 'leakyRelu', 'silu'); null means linear. */
export type ActivationIdentifier = Spellings<ActivationName | 'silu'> | null;

const TABLE: Record<string, ActivationName> = Object.fromEntries(ACTIVATIONS.map((a) => [a, a]));
TABLE['silu'] = 'swish'; // Keras 3 spells swish both ways

/** Canonical name for an activation identifier; null/undefined mean 'linear' as in Keras. */
export function resolveActivation(name: string | null | undefined, what = 'activation'): ActivationName {
  if (name === undefined || name === null) return 'linear';
  return resolveName(name, TABLE, what, ACTIVATIONS);
}

export function activationId(name: ActivationName): number {
  return ACTIVATIONS.indexOf(name);
}
