// A plain float64 reference of what the native engine computes: activations and their
// derivatives, softmax, Keras's losses (with 1e-7 clipping) and their gradients, optimizer steps,
// and the loss of a whole Dense network (dropout off) for finite-difference gradient checks.
// Ids follow lib/engine/ids.ts.
import type { DenseSpec } from '../../lib/engine/contract.js';

export const EPS = 1e-7;

/** erf to ~1e-13: Taylor series below 3, the erfc continued fraction above. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return -1;
  const ax = Math.abs(x);
  if (ax >= 3) return Math.sign(x) * (1 - erfcLarge(ax));
  let term = ax, sum = ax;
  for (let n = 1; n < 200; n++) {
    term *= (-ax * ax) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (Math.sign(x) * 2 * sum) / Math.sqrt(Math.PI);
}

function erfcLarge(x: number): number {
  // Continued fraction, accurate for x >= 3.
  let f = 0;
  for (let k = 120; k >= 1; k--) f = (k / 2) / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** act(z) for the elementwise activations (ids 0-3, 5-8). */
export function actForward(id: number, z: number): number {
  switch (id) {
    case 0: return z;
    case 1: return Number.isNaN(z) ? NaN : z < 0 ? 0 : z;
    case 2: return sigmoid(z);
    case 3: return Math.tanh(z);
    case 5: return z < 0 ? 0.2 * z : z;
    case 6: return z > 0 ? z : Math.expm1(z);
    case 7: return 0.5 * z * (1 + erf(z / Math.SQRT2));
    case 8: return z * sigmoid(z);
    default: throw new Error(`no elementwise activation ${id}`);
  }
}

/** d act / dz, from z. */
export function actDerivative(id: number, z: number): number {
  switch (id) {
    case 0: return 1;
    case 1: return z > 0 ? 1 : 0;
    case 2: { const s = sigmoid(z); return s * (1 - s); }
    case 3: { const t = Math.tanh(z); return 1 - t * t; }
    case 5: return z > 0 ? 1 : 0.2;
    case 6: return z > 0 ? 1 : Math.exp(z);
    case 7: return 0.5 * (1 + erf(z / Math.SQRT2)) + (z * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
    case 8: { const s = sigmoid(z); return s * (1 + z * (1 - s)); }
    default: throw new Error(`no elementwise activation ${id}`);
  }
}

export function softmax(row: ArrayLike<number>): number[] {
  let mx = -Infinity;
  for (let j = 0; j < row.length; j++) mx = Math.max(mx, row[j]!);
  const e = Array.from(row, (v) => Math.exp(v - mx));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

/** Keras's per-sample loss of one row of predictions p against targets t (dense). */
export function sampleLoss(loss: number, p: ArrayLike<number>, t: ArrayLike<number>): number {
  const c = p.length;
  let s = 0;
  switch (loss) {
    case 0: for (let j = 0; j < c; j++) s += (p[j]! - t[j]!) ** 2; return s / c;
    case 1: for (let j = 0; j < c; j++) s += Math.abs(p[j]! - t[j]!); return s / c;
    case 2:
      for (let j = 0; j < c; j++) { const q = clip(p[j]!); s -= t[j]! * Math.log(q) + (1 - t[j]!) * Math.log(1 - q); }
      return s / c;
    case 3:
    case 4: {
      let sum = 0;
      for (let j = 0; j < c; j++) sum += p[j]!;
      for (let j = 0; j < c; j++) if (t[j] !== 0) s -= t[j]! * Math.log(clip(p[j]! / sum));
      return s;
    }
    default: throw new Error(`no loss ${loss}`);
  }
}

/** Gradient of sampleLoss w.r.t. p (through the clip), or w.r.t. the logits when fused. */
export function sampleLossGrad(loss: number, fused: boolean, p: ArrayLike<number>, t: ArrayLike<number>): number[] {
  const c = p.length;
  const g = new Array<number>(c).fill(0);
  if (loss === 0) for (let j = 0; j < c; j++) g[j] = (2 * (p[j]! - t[j]!)) / c;
  else if (loss === 1) for (let j = 0; j < c; j++) g[j] = Math.sign(p[j]! - t[j]!) / c;
  else if (loss === 2) {
    for (let j = 0; j < c; j++) {
      if (fused) g[j] = (p[j]! - t[j]!) / c;
      else if (p[j]! >= EPS && p[j]! <= 1 - EPS) g[j] = (p[j]! - t[j]!) / (p[j]! * (1 - p[j]!)) / c;
    }
  } else {
    let sum = 0, tsum = 0;
    for (let j = 0; j < c; j++) { sum += p[j]!; tsum += t[j]!; }
    if (fused) for (let j = 0; j < c; j++) g[j] = p[j]! * tsum - t[j]!;
    else {
      const u = Array.from(p, (pj, j) => { const q = pj / sum; return q < EPS || q > 1 - EPS || t[j] === 0 ? 0 : -t[j]! / q; });
      const uq = u.reduce((a, uj, j) => a + uj * (p[j]! / sum), 0);
      for (let j = 0; j < c; j++) g[j] = (u[j]! - uq) / sum;
    }
  }
  return g;
}

export type RefDense = Omit<DenseSpec, 'kind'>;

/** Forward pass in float64; weights as getWeights() orders them (kernel, then bias if any). */
export function forward(layers: RefDense[], weights: ArrayLike<number>[], x: ArrayLike<number>, rows: number): number[][] {
  let cur: number[][] = [];
  for (let r = 0; r < rows; r++) cur.push(Array.from({ length: layers[0]!.inputDim }, (_, j) => x[r * layers[0]!.inputDim + j]!));
  let w = 0;
  for (const l of layers) {
    const k = weights[w++]!;
    const b = l.useBias ? weights[w++]! : null;
    cur = cur.map((row) => {
      const z = new Array<number>(l.units).fill(0);
      for (let o = 0; o < l.units; o++) {
        let s = b ? b[o]! : 0;
        for (let i = 0; i < l.inputDim; i++) s += row[i]! * k[i * l.units + o]!;
        z[o] = s;
      }
      return l.activation === 4 ? softmax(z) : z.map((v) => actForward(l.activation, v));
    });
  }
  return cur;
}

/** Mean loss over rows ("sum_over_batch_size" with sample weights) plus L1/L2 penalties. */
export function networkLoss(layers: RefDense[], weights: ArrayLike<number>[], x: ArrayLike<number>, rows: number,
  loss: number, y: ArrayLike<number> | null, idx: ArrayLike<number> | null, sw: ArrayLike<number> | null = null): number {
  const p = forward(layers, weights, x, rows);
  const outs = layers[layers.length - 1]!.units;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const t = idx ? Array.from({ length: outs }, (_, j) => (j === idx[r] ? 1 : 0)) : Array.from({ length: outs }, (_, j) => y![r * outs + j]!);
    total += sampleLoss(loss, p[r]!, t) * (sw ? sw[r]! : 1);
  }
  let pen = 0, w = 0;
  for (const l of layers) {
    const k = weights[w++]!;
    if (l.useBias) w++;
    for (let i = 0; i < k.length; i++) pen += l.l1 * Math.abs(k[i]!) + l.l2 * k[i]! * k[i]!;
  }
  return total / rows + pen;
}

/** Central finite differences of f over every element of every weight array. */
export function finiteDifferences(weights: Float64Array[], f: (w: Float64Array[]) => number, h = 1e-5): Float64Array[] {
  return weights.map((arr) => {
    const g = new Float64Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const keep = arr[i]!;
      arr[i] = keep + h;
      const up = f(weights);
      arr[i] = keep - h;
      const down = f(weights);
      arr[i] = keep;
      g[i] = (up - down) / (2 * h);
    }
    return g;
  });
}

/** A deterministic uniform [0, 1) stream for test data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}
