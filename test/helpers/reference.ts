// A plain float64 reference of what the native engine computes: activations and their
// derivatives, softmax, Keras's losses (with 1e-7 clipping) and their gradients, optimizer steps,
// and the loss of a whole Dense network (dropout off) for finite-difference gradient checks.
// Ids follow lib/engine/ids.ts: adding an activation or a loss there needs its reference here.
import type { DenseSpec } from '../../lib/engine/contract.js';
import { ACTIVATIONS, LOSSES, type ActivationName } from '../../lib/engine/ids.js';

export const EPS = 1e-7;

/** erf to ~1e-13: Taylor series below 3, the erfc continued fraction above. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return -1;
  const ax = Math.abs(x);
  if (ax >= 3) return Math.sign(x) * (1 - erfcLarge(ax));
  let term = ax,
    sum = ax;
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
  for (let k = 120; k >= 1; k--) f = k / 2 / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Each elementwise activation (all but softmax, see softmax below): act(z) and d act / dz from z. */
export const ACTIVATION_REFERENCE: Record<
  Exclude<ActivationName, 'softmax'>,
  { f(z: number): number; df(z: number): number }
> = {
  linear: { f: (z) => z, df: () => 1 },
  // biome-ignore lint/complexity/useMathMinMax: as the kernel, -0 stays -0 (Math.max(-0, 0) is +0)
  relu: { f: (z) => (Number.isNaN(z) ? NaN : z < 0 ? 0 : z), df: (z) => (z > 0 ? 1 : 0) },
  sigmoid: {
    f: sigmoid,
    df: (z) => {
      const s = sigmoid(z);
      return s * (1 - s);
    },
  },
  tanh: {
    f: Math.tanh,
    df: (z) => {
      const t = Math.tanh(z);
      return 1 - t * t;
    },
  },
  leaky_relu: { f: (z) => (z < 0 ? 0.2 * z : z), df: (z) => (z > 0 ? 1 : 0.2) },
  elu: { f: (z) => (z > 0 ? z : Math.expm1(z)), df: (z) => (z > 0 ? 1 : Math.exp(z)) },
  gelu: {
    f: (z) => 0.5 * z * (1 + erf(z / Math.SQRT2)),
    df: (z) => 0.5 * (1 + erf(z / Math.SQRT2)) + (z * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI),
  },
  swish: {
    f: (z) => z * sigmoid(z),
    df: (z) => {
      const s = sigmoid(z);
      return s * (1 + z * (1 - s));
    },
  },
};

/** Ids of the elementwise activations: every one but softmax. */
export const ELEMENTWISE_IDS = ACTIVATIONS.flatMap((a, id) => (a === 'softmax' ? [] : [id]));

function activation(id: number) {
  const ref = ACTIVATION_REFERENCE[ACTIVATIONS[id] as Exclude<ActivationName, 'softmax'>];
  if (!ref) throw new Error(`no elementwise activation ${id}`);
  return ref;
}

/** act(z) for an elementwise activation id. */
export function actForward(id: number, z: number): number {
  return activation(id).f(z);
}

/** d act / dz, from z. */
export function actDerivative(id: number, z: number): number {
  return activation(id).df(z);
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
  switch (LOSSES[loss]) {
    case 'mean_squared_error':
      for (let j = 0; j < c; j++) s += (p[j]! - t[j]!) ** 2;
      return s / c;
    case 'mean_absolute_error':
      for (let j = 0; j < c; j++) s += Math.abs(p[j]! - t[j]!);
      return s / c;
    case 'binary_crossentropy':
      for (let j = 0; j < c; j++) {
        const q = clip(p[j]!);
        s -= t[j]! * Math.log(q) + (1 - t[j]!) * Math.log(1 - q);
      }
      return s / c;
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy': {
      let sum = 0;
      for (let j = 0; j < c; j++) sum += p[j]!;
      for (let j = 0; j < c; j++) if (t[j] !== 0) s -= t[j]! * Math.log(clip(p[j]! / sum));
      return s;
    }
    case 'kl_divergence':
      for (let j = 0; j < c; j++) {
        const tc = Math.min(Math.max(t[j]!, EPS), 1);
        s += tc * Math.log(tc / Math.min(Math.max(p[j]!, EPS), 1));
      }
      return s;
    case 'huber':
    case 'log_cosh':
    case 'hinge':
    case 'squared_hinge':
    case 'poisson':
    case 'mean_absolute_percentage_error':
    case 'mean_squared_logarithmic_error': {
      const binary = Array.from(t).every((v) => v === 0 || v === 1);
      for (let j = 0; j < c; j++) s += elementLoss(LOSSES[loss]!, p[j]!, t[j]!, binary);
      return s / c;
    }
    default:
      throw new Error(`no loss ${loss}`);
  }
}

/** Keras 3's per-element terms of the losses that average over outputs (hinge targets: {0, 1} → {-1, 1} when all binary). */
function elementLoss(name: string, p: number, t: number, binary: boolean): number {
  const d = p - t,
    h = binary ? 2 * t - 1 : t;
  switch (name) {
    case 'huber':
      return Math.abs(d) <= 1 ? 0.5 * d * d : Math.abs(d) - 0.5;
    case 'log_cosh':
      return Math.log(Math.cosh(d));
    case 'hinge':
      return Math.max(1 - h * p, 0);
    case 'squared_hinge':
      return Math.max(1 - h * p, 0) ** 2;
    case 'poisson':
      return p - t * Math.log(p + EPS);
    case 'mean_absolute_percentage_error':
      return (100 * Math.abs(d)) / Math.max(Math.abs(t), EPS);
    case 'mean_squared_logarithmic_error':
      return (Math.log(Math.max(p, EPS) + 1) - Math.log(Math.max(t, EPS) + 1)) ** 2;
    default:
      throw new Error(`no loss ${name}`);
  }
}

/** d elementLoss / dp. */
function elementLossGrad(name: string, p: number, t: number, binary: boolean): number {
  const d = p - t,
    h = binary ? 2 * t - 1 : t;
  switch (name) {
    case 'huber':
      return Math.abs(d) <= 1 ? d : Math.sign(d);
    case 'log_cosh':
      return Math.tanh(d);
    case 'hinge':
      return 1 - h * p > 0 ? -h : 0;
    case 'squared_hinge':
      return 1 - h * p > 0 ? -2 * h * (1 - h * p) : 0;
    case 'poisson':
      return 1 - t / (p + EPS);
    case 'mean_absolute_percentage_error':
      return (100 * Math.sign(d)) / Math.max(Math.abs(t), EPS);
    case 'mean_squared_logarithmic_error':
      return p > EPS ? (2 * (Math.log(p + 1) - Math.log(Math.max(t, EPS) + 1))) / (p + 1) : 0;
    default:
      throw new Error(`no loss ${name}`);
  }
}

/** Gradient of sampleLoss w.r.t. p (through the clip), or w.r.t. the logits when fused. */
export function sampleLossGrad(loss: number, fused: boolean, p: ArrayLike<number>, t: ArrayLike<number>): number[] {
  const c = p.length;
  const g = new Array<number>(c).fill(0);
  const name = LOSSES[loss];
  if (name === 'mean_squared_error') for (let j = 0; j < c; j++) g[j] = (2 * (p[j]! - t[j]!)) / c;
  else if (name === 'mean_absolute_error') for (let j = 0; j < c; j++) g[j] = Math.sign(p[j]! - t[j]!) / c;
  else if (name === 'binary_crossentropy') {
    for (let j = 0; j < c; j++) {
      if (fused) g[j] = (p[j]! - t[j]!) / c;
      else if (p[j]! >= EPS && p[j]! <= 1 - EPS) g[j] = (p[j]! - t[j]!) / (p[j]! * (1 - p[j]!)) / c;
    }
  } else if (name === 'categorical_crossentropy' || name === 'sparse_categorical_crossentropy') {
    let sum = 0,
      tsum = 0;
    for (let j = 0; j < c; j++) {
      sum += p[j]!;
      tsum += t[j]!;
    }
    if (fused) for (let j = 0; j < c; j++) g[j] = p[j]! * tsum - t[j]!;
    else {
      const u = Array.from(p, (pj, j) => {
        const q = pj / sum;
        return q < EPS || q > 1 - EPS || t[j] === 0 ? 0 : -t[j]! / q;
      });
      const uq = u.reduce((a, uj, j) => a + uj * (p[j]! / sum), 0);
      for (let j = 0; j < c; j++) g[j] = (u[j]! - uq) / sum;
    }
  } else if (name === 'kl_divergence') {
    for (let j = 0; j < c; j++) g[j] = p[j]! < EPS || p[j]! > 1 ? 0 : -Math.min(Math.max(t[j]!, EPS), 1) / p[j]!;
  } else {
    const binary = Array.from(t).every((v) => v === 0 || v === 1);
    for (let j = 0; j < c; j++) g[j] = elementLossGrad(name!, p[j]!, t[j]!, binary) / c;
  }
  return g;
}

export type RefDense = Omit<DenseSpec, 'kind'>;

/** Forward pass in float64; weights as getWeights() orders them (kernel, then bias if any). */
export function forward(
  layers: RefDense[],
  weights: ArrayLike<number>[],
  x: ArrayLike<number>,
  rows: number,
): number[][] {
  let cur: number[][] = [];
  for (let r = 0; r < rows; r++)
    cur.push(Array.from({ length: layers[0]!.inputDim }, (_, j) => x[r * layers[0]!.inputDim + j]!));
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
export function networkLoss(
  layers: RefDense[],
  weights: ArrayLike<number>[],
  x: ArrayLike<number>,
  rows: number,
  loss: number,
  y: ArrayLike<number> | null,
  idx: ArrayLike<number> | null,
  sw: ArrayLike<number> | null = null,
): number {
  const p = forward(layers, weights, x, rows);
  const outs = layers[layers.length - 1]!.units;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const t = idx
      ? Array.from({ length: outs }, (_, j) => (j === idx[r] ? 1 : 0))
      : Array.from({ length: outs }, (_, j) => y![r * outs + j]!);
    total += sampleLoss(loss, p[r]!, t) * (sw ? sw[r]! : 1);
  }
  let pen = 0,
    w = 0;
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
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}
