// Seeded random dense networks and a float64 reference forward pass for the explain tests.
import { Matrix, type DenseLayerInput } from '../../lib/index.js';

export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function randomMatrix(rows: number, cols: number, random: () => number, scale = 1): Matrix {
  return new Matrix(
    rows,
    cols,
    Float32Array.from({ length: rows * cols }, () => (random() * 2 - 1) * scale),
  );
}

/** Dense layers of the given widths and activations with seeded weights. */
export function randomNet(widths: number[], activations: string[], seed: number): DenseLayerInput[] {
  const random = seeded(seed);
  return activations.map((activation, l) => ({
    kernel: randomMatrix(widths[l]!, widths[l + 1]!, random, 1.2 / Math.sqrt(widths[l]!)),
    bias: randomMatrix(1, widths[l + 1]!, random, 0.3).data,
    activation,
  }));
}

const ACT: Record<string, (z: number) => number> = {
  linear: (z) => z,
  relu: (z) => Math.max(z, 0),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  leaky_relu: (z) => (z > 0 ? z : 0.2 * z),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  swish: (z) => z / (1 + Math.exp(-z)),
};

/** Pre-activations and activations of each layer for one input row, in float64. */
export function forward64(net: DenseLayerInput[], x: ArrayLike<number>): { z: number[][]; a: number[][] } {
  const z: number[][] = [];
  const a: number[][] = [];
  let cur = Array.from(x);
  for (const l of net) {
    const k = l.kernel as Matrix;
    const zl = Array.from({ length: k.cols }, (_, u) => {
      let s = l.bias ? (l.bias as Float32Array)[u]! : 0;
      for (let j = 0; j < k.rows; j++) s += cur[j]! * k.get(j, u);
      return s;
    });
    let al: number[];
    if (l.activation === 'softmax') {
      const m = Math.max(...zl);
      const e = zl.map((v) => Math.exp(v - m));
      const s = e.reduce((p, q) => p + q, 0);
      al = e.map((v) => v / s);
    } else al = zl.map(ACT[(l.activation as string) ?? 'linear']!);
    z.push(zl);
    a.push(al);
    cur = al;
  }
  return { z, a };
}

export function outputs64(net: DenseLayerInput[], x: Matrix): number[][] {
  return Array.from({ length: x.rows }, (_, i) => forward64(net, x.row(i)).a.at(-1)!);
}
