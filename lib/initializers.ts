// Weight initializers with Keras's names and formulas (keras/src/initializers): VarianceScaling
// (glorot/he/lecun, uniform or truncated normal), constants and random_normal/uniform. An initializer
// with a `seed` gives the same values on every call; without one it draws from the global generator
// (setSeed).
import { Rng, globalRandom } from './random.js';
import { given, resolveName, snakeCase } from './names.js';

/** Keras-style serialized initializer, e.g. `{ className: 'RandomNormal', config: { stddev: 0.1 } }`. */
export interface InitializerConfig {
  className: string;
  config: { seed?: number | null; mean?: number; stddev?: number; minval?: number; maxval?: number; value?: number };
}

/** A name ('glorot_uniform', 'heNormal', ...) or a serialized initializer. */
export type InitializerIdentifier = string | InitializerConfig;

type Scaling = { scale: number; mode: 'fan_in' | 'fan_avg'; distribution: 'uniform' | 'truncated_normal' };
const SCALING: Record<string, Scaling> = {
  glorot_uniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  glorot_normal: { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' },
  he_uniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  he_normal: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' },
  lecun_uniform: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
  lecun_normal: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
};

const CLASS_NAMES: Record<string, string> = {
  glorot_uniform: 'GlorotUniform',
  glorot_normal: 'GlorotNormal',
  he_uniform: 'HeUniform',
  he_normal: 'HeNormal',
  lecun_uniform: 'LecunUniform',
  lecun_normal: 'LecunNormal',
  zeros: 'Zeros',
  ones: 'Ones',
  constant: 'Constant',
  random_normal: 'RandomNormal',
  random_uniform: 'RandomUniform',
};
const NAMES = Object.keys(CLASS_NAMES);
const BY_NAME: Record<string, string> = Object.fromEntries([
  ...NAMES.map((n) => [n, n]),
  ...NAMES.map((n) => [snakeCase(CLASS_NAMES[n]!), n]), // 'GlorotUniform' → 'glorot_uniform'
]);

/** Canonical `{ className, config }` for an identifier; unknown names throw listing the valid ones. */
export function resolveInitializer(id: InitializerIdentifier, what: string): InitializerConfig {
  if (id !== undefined && typeof id !== 'string' && typeof (id as { className?: unknown })?.className !== 'string')
    throw new TypeError(
      `${what} must be an initializer's name ('glorot_uniform') or { className, config }, got ${given(id)}`,
    );
  const name = typeof id === 'string' ? id : id?.className;
  const key = resolveName(name, BY_NAME, what, NAMES);
  const config = typeof id === 'string' ? {} : { ...id.config };
  if (config.seed !== undefined && config.seed !== null && (!Number.isSafeInteger(config.seed) || config.seed < 0))
    throw new RangeError(`${what}: seed must be a non-negative integer, got ${given(config.seed)}`);
  return { className: CLASS_NAMES[key]!, config };
}

// Keras's stddev correction for a normal truncated at two standard deviations.
const TRUNC_STDDEV = 0.87962566103423978;

/**
 * Values for a weight of `shape` ([fanIn, fanOut] for a kernel, [n] for a bias: Keras's
 * compute_fans gives fan_in = fan_out = n for a vector).
 */
export function initialize(init: InitializerConfig, shape: readonly number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const fanIn = shape[0] ?? 1;
  const fanOut = shape.length > 1 ? shape[1]! : fanIn;
  const cfg = init.config;
  const rng = cfg.seed === undefined || cfg.seed === null ? globalRandom() : new Rng(cfg.seed);
  const out = new Float32Array(size);
  const key = snakeCase(init.className);
  const scaling = SCALING[key];
  if (scaling) {
    const n = Math.max(1, scaling.mode === 'fan_in' ? fanIn : (fanIn + fanOut) / 2);
    if (scaling.distribution === 'uniform')
      fillUniform(out, rng, -Math.sqrt((3 * scaling.scale) / n), Math.sqrt((3 * scaling.scale) / n));
    else fillTruncatedNormal(out, rng, 0, Math.sqrt(scaling.scale / n) / TRUNC_STDDEV);
    return out;
  }
  switch (key) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(cfg.value ?? 0);
    case 'random_normal': {
      const mean = cfg.mean ?? 0;
      const stddev = cfg.stddev ?? 0.05;
      for (let i = 0; i < size; i++) out[i] = mean + stddev * rng.normal();
      return out;
    }
    case 'random_uniform':
      fillUniform(out, rng, cfg.minval ?? -0.05, cfg.maxval ?? 0.05);
      return out;
  }
  throw new Error(`initializer: unknown className '${init.className}'`);
}

function fillUniform(out: Float32Array, rng: Rng, lo: number, hi: number): void {
  for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * rng.uniform();
}

function fillTruncatedNormal(out: Float32Array, rng: Rng, mean: number, stddev: number): void {
  for (let i = 0; i < out.length; i++) {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    out[i] = mean + stddev * z;
  }
}
