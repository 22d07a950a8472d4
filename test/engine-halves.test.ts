// Input halves in fit (native/core/engine/halves.cc): the first trained Dense layer of a training step, when its
// kernel is large (inputs >= 256, inputs x units >= 65536), is computed in two halves of its inputs, each read,
// differentiated and updated by the same threads every step: the forward product is the two halves' partial products
// added, the batch's inputs are gathered by the same halves. The step is the float64 reference's, and the weights and logs have
// the same bits at 1, 2, 3 and 4 threads whatever the optimizer, batch size, short last batch, dropout, sample
// weights or labels.
import { afterAll, describe, expect, it } from 'vitest';
import type { OptimizerSpec } from '../lib/engine/contract.js';
import { AdamW, CosineDecay } from '../lib/index.js';
import { native } from '../lib/native.js';
import {
  compileSpec,
  data,
  dense,
  dropout,
  fitArgs,
  randomMatrix,
  randomWeights,
  sameBits,
  sgd,
} from './helpers/engine.js';
import { networkLoss, type RefDense } from './helpers/reference.js';

const threads0 = native.backendInfo().threads;
afterAll(() => native.setNumThreads(threads0));

/** One-hot targets of `classes` classes, row i of class i % classes. */
function oneHot(rows: number, classes: number): Float32Array {
  const y = new Float32Array(rows * classes);
  for (let i = 0; i < rows; i++) y[i * classes + (i % classes)] = 1;
  return y;
}

describe('input halves: the gradient', () => {
  // 288-256-128-5 (the first layer in halves of 144 inputs), ReLU, tanh, then softmax with crossentropy; one full batch of 9
  // rows, one SGD step.
  const layers: RefDense[] = [
    { inputDim: 288, units: 256, activation: 1, useBias: true, l1: 0, l2: 0 },
    { inputDim: 256, units: 128, activation: 3, useBias: true, l1: 0, l2: 0 },
    { inputDim: 128, units: 5, activation: 4, useBias: true, l1: 0, l2: 0 },
  ];
  const rows = 9;
  const x = randomMatrix(rows, 288, 41);
  const y = oneHot(rows, 5);
  const sw = Float32Array.from({ length: rows }, (_, i) => 0.5 + (i % 7) / 4);

  it.each([1, 2])('one SGD step is w - lr * the float64 gradient (sample weights; %i thread(s))', async (threads) => {
    native.setNumThreads(threads);
    const net = new native.Network(layers.map((l) => dense(l.inputDim, l.units, l.activation)));
    net.compile(compileSpec(3, sgd(0.1)));
    const w0 = randomWeights(net, 42, 0.1);
    net.setWeights(w0);
    await net.fit(
      fitArgs(net, {
        train: data(x, rows, y, sw),
        val: null,
        epochs: 1,
        initialEpoch: 0,
        batchSize: rows,
        shuffle: true,
        seed: 1,
      }),
    );
    // Central differences on a sample of each array: kernel entries of both input halves, biases, the last layer.
    const w64 = w0.map((a) => Float64Array.from(a));
    const loss = () => networkLoss(layers, w64, x, rows, 3, y, null, sw);
    const w1 = net.getWeights();
    let checked = 0;
    w64.forEach((arr, a) => {
      for (let i = a * 7; i < arr.length; i += [997, 11, 401, 7, 31, 1][a]!) {
        const keep = arr[i]!;
        arr[i] = keep + 1e-6;
        const up = loss();
        arr[i] = keep - 1e-6;
        const down = loss();
        arr[i] = keep;
        expect(w1[a]![i]).toBeCloseTo(keep - (0.1 * (up - down)) / 2e-6, 5);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(200);
  });
});

describe('input halves: bits', () => {
  const layers = () => [dense(300, 256, 1), dropout(256, 0.25, 7), dense(256, 128, 3), dense(128, 5, 4)];
  const rows = 500;
  const x = randomMatrix(rows, 300, 12);
  async function train(threads: number, opt: OptimizerSpec, batchSize: number, sparse = false, epochs = 2) {
    native.setNumThreads(threads);
    const net = new native.Network(layers());
    net.compile(compileSpec(sparse ? 4 : 3, opt, [1]));
    net.setWeights(randomWeights(net, 11, 0.1));
    const y = sparse ? Int32Array.from({ length: rows }, (_, i) => (i * 3) % 5) : oneHot(rows, 5);
    const sw = sparse ? Float32Array.from({ length: rows }, (_, i) => 1 + (i % 3)) : null;
    const r = await net.fit(
      fitArgs(net, {
        train: data(x, rows, y, sw),
        val: null,
        epochs,
        initialEpoch: 0,
        batchSize,
        shuffle: true,
        seed: 5,
      }),
    );
    return { w: net.getWeights(), logs: Array.from(r.logs) };
  }

  // Batches of 131 (a last batch of 107), 300 (and 200) and 7.
  it.each([
    ['SGD momentum', sgd(0.05, 0.9), 131],
    ['SGD', sgd(0.05), 300],
    ['SGD Nesterov, weight decay', sgd(0.05, 0.9, { nesterov: true, weightDecay: 0.01 }), 131],
    ['Adam', { ...sgd(0.01), kind: 1 }, 7],
    ['AdamW, cosine decay', new AdamW(new CosineDecay({ initialLearningRate: 0.01, decaySteps: 20 })).toSpec(), 131],
    ['Nadam, clipvalue', { ...sgd(0.01), kind: 5, clipValue: 0.01 }, 131],
    ['RMSprop', { ...sgd(0.001), kind: 2 }, 300],
    ['Adagrad', { ...sgd(0.05), kind: 3 }, 131],
    ['Adamax', { ...sgd(0.01), kind: 6 }, 131],
  ] as [string, OptimizerSpec, number][])(
    '%s, batch %#: the same bits with 1, 2, 3 and 4 threads',
    async (_n, opt, batch) => {
      const one = await train(1, opt, batch);
      for (const threads of [2, 3, 4]) {
        const other = await train(threads, opt, batch);
        expect(sameBits(one.w, other.w)).toBe(true);
        expect(other.logs).toEqual(one.logs);
      }
    },
  );

  it('sparse labels with sample weights: the same bits with 1 and 2 threads', async () => {
    const one = await train(1, sgd(0.05, 0.9), 128, true);
    const two = await train(2, sgd(0.05, 0.9), 128, true);
    expect(sameBits(one.w, two.w)).toBe(true);
    expect(two.logs).toEqual(one.logs);
  });
});
