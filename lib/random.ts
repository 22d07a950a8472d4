// Seeded randomness for everything myelin draws in TypeScript: weight initialization, the per-fit
// shuffle seed and default Dropout seeds. The native engine derives shuffle order and dropout masks
// from these seeds with a counter-based generator, so results do not depend on thread count.
import { given } from './names.js';

/** xoshiro128** seeded through splitmix32: fast, 32-bit, good statistical quality. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    let x = (Math.floor(seed) ^ Math.floor(seed / 0x100000000)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalRng = new Rng(Math.floor(Math.random() * 0x100000000));

/**
 * Makes initialization, shuffling and dropout reproducible (Keras's `keras.utils.set_random_seed`):
 * the same seed, model and data give bit-identical weights after `fit`, for any thread count.
 */
export function setSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`setSeed: seed must be a non-negative integer, got ${given(seed)}`);
  globalRng = new Rng(seed);
}

/** The global generator (seeded by setSeed, else randomly at load). */
export function globalRandom(): Rng {
  return globalRng;
}

/** A fresh 32-bit seed from the global generator (fit shuffle seed, default Dropout seed). */
export function drawSeed(): number {
  return globalRng.nextUint32();
}

/** Uniform draws in [0, 1) from a generator seeded with `seed`. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.uniform();
}

/** Fisher–Yates over a typed array, in place. */
export function shuffleInPlace(a: Int32Array, random: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/** A seed option: an integer as given, or (undefined) one drawn from the global generator, so setSeed covers it. */
export function checkSeed(seed: number | undefined, where: string): number {
  if (seed === undefined) return drawSeed();
  if (!Number.isInteger(seed)) throw new RangeError(`${where}: seed must be an integer, got ${seed}`);
  return seed >>> 0;
}
