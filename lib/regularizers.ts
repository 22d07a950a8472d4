// Kernel regularizers: Keras's L1 / L2 / L1L2 penalties, `l1·Σ|w| + l2·Σw²` added to the loss
// (reported loss included). The penalty is computed natively; here are the factors.
import { given } from './names.js';

export interface Regularizer {
  l1: number;
  l2: number;
}

/** Keras `regularizers.l1(0.01)`. */
export function l1(factor = 0.01): Regularizer {
  return checked({ l1: factor, l2: 0 }, 'l1');
}

/** Keras `regularizers.l2(0.01)`. */
export function l2(factor = 0.01): Regularizer {
  return checked({ l1: 0, l2: factor }, 'l2');
}

/** Keras `regularizers.l1_l2(l1, l2)`. */
export function l1l2(factors: { l1?: number; l2?: number } = {}): Regularizer {
  return checked({ l1: factors.l1 ?? 0, l2: factors.l2 ?? 0 }, 'l1l2');
}

/** `{ l1?, l2? }`, 'l1' / 'l2' (factor 0.01, as Keras) or null. */
export type RegularizerIdentifier = Partial<Regularizer> | 'l1' | 'l2' | null | undefined;

export function resolveRegularizer(r: RegularizerIdentifier, what: string): Regularizer | null {
  if (r === undefined || r === null) return null;
  if (r === 'l1') return l1();
  if (r === 'l2') return l2();
  if (typeof r !== 'object')
    throw new TypeError(`${what} must be { l1?, l2? }, 'l1', 'l2' or null, got ${JSON.stringify(r)}`);
  return checked({ l1: r.l1 ?? 0, l2: r.l2 ?? 0 }, what);
}

function checked(r: Regularizer, what: string): Regularizer {
  for (const k of ['l1', 'l2'] as const)
    if (typeof r[k] !== 'number' || !Number.isFinite(r[k]) || r[k] < 0)
      throw new RangeError(`${what}: ${k} must be a finite number >= 0, got ${given(r[k])}`);
  return r;
}
