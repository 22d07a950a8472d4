// The native backward pass against central finite differences of the float64 reference loss, for
// every activation x loss that makes sense, with and without bias, with L1/L2, dropout off.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../lib/engine/ids.js';
import { native } from '../lib/native.js';
import { compileSpec, data, dense, randomMatrix, randomWeights, sgd } from './helpers/engine.js';
import { ELEMENTWISE_IDS, finiteDifferences, networkLoss, rng, type RefDense } from './helpers/reference.js';

const ROWS_ = 7;

interface Case {
  hidden: number;
  output: number;
  loss: number;
  outputs: number;
  useBias: boolean;
  l1: number;
  l2: number;
  weighted: boolean;
  width?: number; // hidden units (default 4)
  rows?: number; // default ROWS
}

/** Returns the largest finite-difference gradient, so callers can tell a vacuous check. */
function check(c: Case): number {
  const width = c.width ?? 4,
    ROWS = c.rows ?? ROWS_;
  const layers: RefDense[] = [
    { inputDim: 3, units: width, activation: c.hidden, useBias: c.useBias, l1: c.l1, l2: c.l2 },
    { inputDim: width, units: c.outputs, activation: c.output, useBias: c.useBias, l1: 0, l2: c.l2 },
  ];
  const net = new native.Network(layers.map((l) => dense(l.inputDim, l.units, l.activation, l)));
  net.compile(compileSpec(c.loss, sgd(0.1)));
  const w = randomWeights(net, 10 * c.hidden + c.output + 100 * c.loss, 0.8);
  net.setWeights(w);
  const x = randomMatrix(ROWS, 3, 5, 1.5);
  const r = rng(3 + c.loss);
  const sparse = c.loss === 4;
  let y: Float32Array | Int32Array;
  if (sparse) y = Int32Array.from({ length: ROWS }, () => Math.floor(r() * c.outputs));
  else if (c.loss === 3)
    y = Float32Array.from({ length: ROWS * c.outputs }, (_, i) =>
      i % c.outputs === Math.floor(r() * c.outputs) ? 1 : 0,
    );
  else if (c.loss === 2) y = Float32Array.from({ length: ROWS * c.outputs }, () => Math.round(r()));
  else y = Float32Array.from({ length: ROWS * c.outputs }, () => r() * 2 - 1);
  const sw = c.weighted ? Float32Array.from({ length: ROWS }, () => 0.2 + r() * 2) : null;

  const got = net.gradients(data(x, ROWS, y, sw));
  const w64 = w.map((a) => Float64Array.from(a));
  const f = (ws: Float64Array[]) => networkLoss(layers, ws, x, ROWS, c.loss, sparse ? null : y, sparse ? y : null, sw);
  expect(got.loss).toBeCloseTo(f(w64), 5);
  const fd = finiteDifferences(w64, f);
  let scale = 0;
  for (const g of fd) for (const v of g) scale = Math.max(scale, Math.abs(v));
  got.grads.forEach((g, a) => {
    for (let i = 0; i < g.length; i++) {
      const want = fd[a]![i]!;
      if (Math.abs(g[i]! - want) > 2e-4 + 2e-3 * Math.abs(want))
        throw new Error(`weights[${a}][${i}]: native ${g[i]} vs finite differences ${want}`);
    }
  });
  return scale;
}

const ELEMENTWISE = ELEMENTWISE_IDS;
const name = (a: number) => ACTIVATIONS[a];

describe('gradients() matches finite differences', () => {
  describe.each([true, false])('useBias %s', (useBias) => {
    it.each(ELEMENTWISE.map(name))('hidden %s, every regression loss and output', (hiddenName) => {
      const hidden = ACTIVATIONS.indexOf(hiddenName);
      for (const loss of [0, 1])
        for (const output of [...ELEMENTWISE, 4]) {
          const scale = check({ hidden, output, loss, outputs: 3, useBias, l1: 0, l2: 0, weighted: false });
          // relu can switch a whole small network off; every other case must have real gradients
          if (output !== 1) expect(scale).toBeGreaterThan(1e-3);
        }
    });

    it.each([
      [2, 2, 1],
      [2, 2, 3],
      [2, 4, 3], // BCE: sigmoid (fused) with 1 and 3 outputs, softmax
      [3, 4, 3],
      [3, 2, 3], // CCE: softmax (fused), sigmoid (through the renormalization)
      [4, 4, 3],
      [4, 2, 2], // sparse CCE: softmax (fused), sigmoid
    ] as const)('loss %i with output activation %i and %i outputs', (loss, output, outputs) => {
      for (const hidden of [1, 3, 7])
        expect(check({ hidden, output, loss, outputs, useBias, l1: 0, l2: 0, weighted: false })).toBeGreaterThan(1e-3);
    });
  });

  // 64 hidden units and 23 rows: dX of the output layer is computed untransposed in full and edge tiles, and the
  // hidden layer's derivative and bias gradient run in its micro-kernel's store (ReLU) or the driver's pass.
  it.each([1, 3, 7])('hidden activation %i, 64 units: the derivative fused into the tiles of dX', (hidden) => {
    for (const loss of [0, 3])
      expect(
        check({
          hidden,
          output: loss === 0 ? 0 : 4,
          loss,
          outputs: 3,
          useBias: true,
          l1: 0,
          l2: 0,
          weighted: false,
          width: 64,
          rows: 23,
        }),
      ).toBeGreaterThan(1e-3);
  });

  it('with L2 and L1 kernel penalties and sample weights', () => {
    for (const loss of [0, 2, 3]) {
      const output = loss === 0 ? 0 : loss === 2 ? 2 : 4;
      expect(
        check({ hidden: 3, output, loss, outputs: 3, useBias: true, l1: 0, l2: 0.05, weighted: true }),
      ).toBeGreaterThan(1e-3);
      expect(
        check({ hidden: 1, output, loss, outputs: 3, useBias: true, l1: 0.02, l2: 0.01, weighted: true }),
      ).toBeGreaterThan(1e-3);
    }
  });
});
