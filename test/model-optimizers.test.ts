// Optimizer updates through the public API against Keras's formulas, computed step by step in float64
// on a 2-2-1 network (tanh hidden layer, linear output, MSE, one full batch per epoch).
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, Dense, type Matrix, RMSprop, SGD, Sequential, type Optimizer } from '../lib/index.js';

const X = [
  [1, 2],
  [0.5, -1],
  [-1, 0.5],
  [2, 1],
];
const T = [1, 0, 0.5, -1];
const W1 = [
  [0.1, -0.2],
  [0.3, 0.4],
];
const B1 = [0.05, -0.05];
const W2 = [[0.5], [-0.6]];
const B2 = [0.1];

type Params = { w1: number[][]; b1: number[]; w2: number[]; b2: number };
type Update = (p: number[], g: number[], state: number[][], t: number) => void;

/** Loss before each step and the parameters after `steps` full-batch steps, by the textbook backward pass. */
function byHand(steps: number, update: Update): { losses: number[]; p: Params } {
  const p: Params = { w1: W1.map((r) => [...r]), b1: [...B1], w2: W2.map((r) => r[0]!), b2: B2[0]! };
  const state: number[][] = [];
  const losses: number[] = [];
  const n = X.length;
  for (let t = 1; t <= steps; t++) {
    const g = {
      w1: [
        [0, 0],
        [0, 0],
      ],
      b1: [0, 0],
      w2: [0, 0],
      b2: 0,
    };
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const h = [0, 1].map((j) => Math.tanh(X[r]![0]! * p.w1[0]![j]! + X[r]![1]! * p.w1[1]![j]! + p.b1[j]!));
      const y = h[0]! * p.w2[0]! + h[1]! * p.w2[1]! + p.b2;
      loss += (y - T[r]!) ** 2 / n;
      const dy = (2 * (y - T[r]!)) / n;
      g.b2 += dy;
      for (let j = 0; j < 2; j++) {
        g.w2[j]! += h[j]! * dy;
        const dz = dy * p.w2[j]! * (1 - h[j]! ** 2);
        g.b1[j]! += dz;
        for (let k = 0; k < 2; k++) g.w1[k]![j]! += X[r]![k]! * dz;
      }
    }
    losses.push(loss);
    // Keras updates each weight array with its own slots; flattened in getWeights() order.
    const flatP = [...p.w1.flat(), ...p.b1, ...p.w2, p.b2];
    const flatG = [...g.w1.flat(), ...g.b1, ...g.w2, g.b2];
    update(flatP, flatG, state, t);
    p.w1 = [flatP.slice(0, 2), flatP.slice(2, 4)];
    p.b1 = flatP.slice(4, 6);
    p.w2 = flatP.slice(6, 8);
    p.b2 = flatP[8]!;
  }
  return { losses, p };
}

async function byMyelin(optimizer: Optimizer, steps: number) {
  const model = new Sequential([new Dense(2, { inputDim: 2, activation: 'tanh' }), new Dense(1)]);
  model.compile({ loss: 'mse', optimizer });
  model.setWeights([W1, B1, W2, B2]);
  const h = await model.fit(X, T, { epochs: steps, batchSize: 4, shuffle: false, verbose: 0 });
  const [w1, b1, w2, b2] = model.getWeights() as [Matrix, Float32Array, Matrix, Float32Array];
  return { losses: h.history.loss!, flat: [...w1.data, ...b1, ...w2.data, ...b2] };
}

function expectClose(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a, `value ${i}`).toBeCloseTo(expected[i]!, 5));
}

describe('optimizers follow Keras formulas', () => {
  it('SGD with momentum: v = 0.9 v - 0.1 g; w += v (3 steps)', async () => {
    const hand = byHand(3, (p, g, s) => {
      s[0] ??= p.map(() => 0);
      for (let i = 0; i < p.length; i++) {
        s[0]![i] = 0.9 * s[0]![i]! - 0.1 * g[i]!;
        p[i]! += s[0]![i]!;
      }
    });
    const got = await byMyelin(new SGD(0.1, 0.9), 3);
    expectClose(got.losses, hand.losses);
    expectClose(got.flat, [...hand.p.w1.flat(), ...hand.p.b1, ...hand.p.w2, hand.p.b2]);
    // The first step has no velocity yet: plain gradient descent moved the weights.
    expect(got.flat[8]).not.toBeCloseTo(B2[0]!, 3);
  });

  it('SGD Nesterov: w += 0.9 v - 0.1 g', async () => {
    const hand = byHand(3, (p, g, s) => {
      s[0] ??= p.map(() => 0);
      for (let i = 0; i < p.length; i++) {
        s[0]![i] = 0.9 * s[0]![i]! - 0.1 * g[i]!;
        p[i]! += 0.9 * s[0]![i]! - 0.1 * g[i]!;
      }
    });
    const got = await byMyelin(new SGD(0.1, 0.9, { nesterov: true }), 3);
    expectClose(got.flat, [...hand.p.w1.flat(), ...hand.p.b1, ...hand.p.w2, hand.p.b2]);
  });

  it('Adam with Keras defaults (epsilon 1e-7 outside the bias correction)', async () => {
    const lr = 0.01;
    const hand = byHand(3, (p, g, s, t) => {
      s[0] ??= p.map(() => 0);
      s[1] ??= p.map(() => 0);
      const alpha = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      for (let i = 0; i < p.length; i++) {
        s[0]![i]! += (g[i]! - s[0]![i]!) * 0.1;
        s[1]![i]! += (g[i]! ** 2 - s[1]![i]!) * 0.001;
        p[i]! -= (alpha * s[0]![i]!) / (Math.sqrt(s[1]![i]!) + 1e-7);
      }
    });
    const got = await byMyelin(new Adam(lr), 3);
    expectClose(got.flat, [...hand.p.w1.flat(), ...hand.p.b1, ...hand.p.w2, hand.p.b2]);
  });

  it('RMSprop and Adagrad: Keras 3 puts epsilon inside the square root', async () => {
    const lr = 0.01;
    const rms = byHand(3, (p, g, s) => {
      s[0] ??= p.map(() => 0);
      for (let i = 0; i < p.length; i++) {
        s[0]![i] = 0.9 * s[0]![i]! + 0.1 * g[i]! ** 2;
        p[i]! -= (lr * g[i]!) / Math.sqrt(s[0]![i]! + 1e-7);
      }
    });
    expectClose((await byMyelin(new RMSprop(lr), 3)).flat, [...rms.p.w1.flat(), ...rms.p.b1, ...rms.p.w2, rms.p.b2]);
    const ada = byHand(3, (p, g, s) => {
      s[0] ??= p.map(() => 0.1);
      for (let i = 0; i < p.length; i++) {
        s[0]![i]! += g[i]! ** 2;
        p[i]! -= (lr * g[i]!) / Math.sqrt(s[0]![i]! + 1e-7);
      }
    });
    expectClose((await byMyelin(new Adagrad(lr), 3)).flat, [...ada.p.w1.flat(), ...ada.p.b1, ...ada.p.w2, ada.p.b2]);
  });

  it('positional and options constructors agree; configs round-trip with Keras defaults', () => {
    expect(new SGD(0.1, 0.9).getConfig()).toEqual(new SGD({ learningRate: 0.1, momentum: 0.9 }).getConfig());
    expect(new SGD().getConfig()).toEqual({
      className: 'SGD',
      config: { learningRate: 0.01, momentum: 0, nesterov: false },
    });
    expect(new Adam().getConfig()).toEqual({
      className: 'Adam',
      config: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    });
    const sgd = new SGD(0.05, 0.5, { nesterov: true, clipnorm: 1 });
    const back = SGD.fromConfig(sgd.getConfig());
    expect(back).toBeInstanceOf(SGD);
    expect(back.getConfig()).toEqual(sgd.getConfig());
  });
});
