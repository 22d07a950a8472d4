// Data parallelism in fit (native/core/engine/groups.cc, off unless forced on): batches of 128 rows or more of Dense
// and Dropout networks train in two row groups, on separate threads when there are two. The gradient is the float64
// reference's, and the weights are the bits of the one-pass path (each product split over the threads) at 1 and 2
// threads, whatever the optimizer, batch size, short last batch, dropout, sample weights or labels; the logs too, but
// the loss, summed per group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { finiteDifferences, networkLoss, type RefDense } from './helpers/reference.js';

const threads0 = native.backendInfo().threads;
beforeAll(() => native._testing.forceRowGroups(1));
afterAll(() => {
  native.setNumThreads(threads0);
  native._testing.forceRowGroups(0);
});

/** One-hot targets of `classes` classes, row i of class i % classes. */
function oneHot(rows: number, classes: number): Float32Array {
  const y = new Float32Array(rows * classes);
  for (let i = 0; i < rows; i++) y[i * classes + (i % classes)] = 1;
  return y;
}

describe('row groups: the gradient', () => {
  // 12-16-5, ReLU then softmax with crossentropy; one full batch of 130 rows (two groups of 65): one SGD step.
  const layers: RefDense[] = [
    { inputDim: 12, units: 16, activation: 1, useBias: true, l1: 0, l2: 0 },
    { inputDim: 16, units: 5, activation: 4, useBias: true, l1: 0, l2: 0 },
  ];
  const rows = 130;
  const x = randomMatrix(rows, 12, 41);
  const y = oneHot(rows, 5);
  const sw = Float32Array.from({ length: rows }, (_, i) => 0.5 + (i % 7) / 4);

  it.each([1, 2])('one SGD step is w - lr * the float64 gradient (sample weights; %i thread(s))', async (threads) => {
    native.setNumThreads(threads);
    const net = new native.Network(layers.map((l) => dense(l.inputDim, l.units, l.activation)));
    net.compile(compileSpec(3, sgd(0.1)));
    const w0 = randomWeights(net, 42, 0.4);
    net.setWeights(w0);
    await net.fit(
      fitArgs(net, {
        train: data(x, rows, y, sw),
        val: null,
        epochs: 1,
        initialEpoch: 0,
        batchSize: rows,
        shuffle: false,
        seed: 1,
      }),
    );
    const g = finiteDifferences(
      w0.map((a) => Float64Array.from(a)),
      (w) => networkLoss(layers, w, x, rows, 3, y, null, sw),
      1e-6,
    );
    net.getWeights().forEach((w, a) => {
      for (let i = 0; i < w.length; i++) expect(w[i]).toBeCloseTo(w0[a]![i]! - 0.1 * g[a]![i]!, 5);
    });
  });
});

describe('row groups: bits', () => {
  const layers = () => [dense(96, 160, 1), dropout(160, 0.25, 7), dense(160, 64, 3), dense(64, 5, 4)];
  const rows = 700;
  const x = randomMatrix(rows, 96, 12);
  async function train(threads: number, opt: OptimizerSpec, batchSize: number, sparse = false, epochs = 3) {
    native.setNumThreads(threads);
    const net = new native.Network(layers());
    net.compile(compileSpec(sparse ? 4 : 3, opt, [1]));
    net.setWeights(randomWeights(net, 11, 0.15));
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

  // Batches of 131 (groups of 65 and 66, a last batch of 45 on the one-pass path), 300 (150 rows a group, and 100
  // left) and 350 (175 a group).
  it.each([
    ['SGD momentum', sgd(0.05, 0.9), 131],
    ['SGD', sgd(0.05), 300],
    ['SGD Nesterov, weight decay', sgd(0.05, 0.9, { nesterov: true, weightDecay: 0.01 }), 131],
    ['Adam', { ...sgd(0.01), kind: 1 }, 350],
    ['AdamW, cosine decay', new AdamW(new CosineDecay({ initialLearningRate: 0.01, decaySteps: 20 })).toSpec(), 131],
    ['Nadam, clipvalue', { ...sgd(0.01), kind: 5, clipValue: 0.01 }, 131],
    ['RMSprop', { ...sgd(0.001), kind: 2 }, 300],
    ['Adagrad', { ...sgd(0.05), kind: 3 }, 131],
    ['Adamax', { ...sgd(0.01), kind: 6 }, 131],
  ] as [string, OptimizerSpec, number][])(
    '%s, batch %#: the same bits with 1 and 2 threads',
    async (_n, opt, batch) => {
      const one = await train(1, opt, batch);
      const two = await train(2, opt, batch);
      expect(sameBits(one.w, two.w)).toBe(true);
      expect(two.logs).toEqual(one.logs);
      const again = await train(2, opt, batch);
      expect(sameBits(again.w, two.w)).toBe(true);
    },
  );

  it('sparse labels with sample weights: the same bits with 1 and 2 threads', async () => {
    const one = await train(1, sgd(0.05, 0.9), 128, true);
    const two = await train(2, sgd(0.05, 0.9), 128, true);
    expect(sameBits(one.w, two.w)).toBe(true);
    expect(two.logs).toEqual(one.logs);
  });

  // The one-pass path: the same weights; the loss, summed per group then over the groups, within rounding.
  it.each([
    ['SGD momentum', sgd(0.05, 0.9), 131],
    ['Adam', { ...sgd(0.003), kind: 1 }, 300],
  ] as [string, OptimizerSpec, number][])('%s, batch %#: the bits of the one-pass path', async (_n, opt, batch) => {
    const grouped = await train(2, opt, batch, false, 2);
    native._testing.forceRowGroups(0);
    const onePass = await train(2, opt, batch, false, 2);
    native._testing.forceRowGroups(1);
    expect(sameBits(grouped.w, onePass.w)).toBe(true);
    grouped.logs.forEach((v, i) => expect(v).toBeCloseTo(onePass.logs[i]!, 6));
    expect([grouped.logs[1], grouped.logs[3]]).toEqual([onePass.logs[1], onePass.logs[3]]); // the accuracies
  });
});
