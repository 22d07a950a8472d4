// Plain TypeScript references for the GEMM tests: float64 products, activations, seeded data.
import { seededRandom } from '../../lib/random.js';

/** Seeded uniform floats in [lo, hi), reproducible across runs. */
export function randomF32(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

export interface GemmCase {
  ta: boolean;
  tb: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: Float32Array;
  lda: number;
  b: Float32Array;
  ldb: number;
  beta: number;
  c: Float32Array;
  ldc: number;
}

/**
 * alpha·op(A)·op(B) + beta·C in float64 (beta == 0: old C ignored), plus for each element the
 * float32 rounding-error bound of a length-k dot product: (k + 2)·2⁻²⁴·(|alpha|·Σ|a·b| + |beta·c|).
 */
export function gemmRef(g: GemmCase): { value: Float64Array; bound: Float64Array } {
  const { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc } = g;
  const value = Float64Array.from(c);
  const bound = new Float64Array(c.length);
  const u = (k + 2) * 2 ** -24;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const prod = (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
        s += prod;
        abs += Math.abs(prod);
      }
      const old = beta === 0 ? 0 : beta * c[i * ldc + j];
      value[i * ldc + j] = alpha * s + old;
      bound[i * ldc + j] = u * (Math.abs(alpha) * abs + Math.abs(old)) + 1e-30;
    }
  }
  return { value, bound };
}

function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for a float32 check.
  const s = Math.sign(x);
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return s * y;
}

/** Activation ids shared with native (lib/engine/ids.ts): index = id. Softmax (4) is per row. */
export const ACTS: Array<[string, (x: number) => number]> = [
  ['linear', (x) => x],
  ['relu', (x) => Math.max(0, x)],
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x))],
  ['tanh', (x) => Math.tanh(x)],
  ['softmax', (x) => x],
  ['leakyRelu', (x) => (x < 0 ? 0.2 * x : x)],
  ['elu', (x) => (x < 0 ? Math.exp(x) - 1 : x)],
  ['gelu', (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
  ['swish', (x) => x / (1 + Math.exp(-x))],
];

/** In place over an m x n row-major block with leading dimension ld. */
export function applyActRef(act: number, v: Float64Array, m: number, n: number, ld: number): void {
  for (let i = 0; i < m; i++) {
    if (act === 4) {
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, v[i * ld + j]);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(v[i * ld + j] - max);
      for (let j = 0; j < n; j++) v[i * ld + j] = Math.exp(v[i * ld + j] - max) / sum;
    } else {
      const f = ACTS[act][1];
      for (let j = 0; j < n; j++) v[i * ld + j] = f(v[i * ld + j]);
    }
  }
}
