// fit(): Keras's optimizer formulas step by step, epoch logs, determinism across thread counts,
// the non-finite guard, and what the object allows while a fit runs on its worker thread.
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';
import {
  compileSpec,
  data,
  dense,
  dropout,
  randomMatrix,
  randomWeights,
  sameBits,
  sgd,
  fitArgs,
  held,
  heldInputs,
} from './helpers/engine.js';
import { finiteDifferences, networkLoss, rng, type RefDense } from './helpers/reference.js';

const threads0 = native.backendInfo().threads;
afterAll(() => native.setNumThreads(threads0));

describe('optimizer steps match Keras formulas computed by hand', () => {
  // 2-2-1: tanh hidden, sigmoid output, binary crossentropy; 6 rows, full batch, no shuffle.
  const layers: RefDense[] = [
    { inputDim: 2, units: 2, activation: 3, useBias: true, l1: 0, l2: 0 },
    { inputDim: 2, units: 1, activation: 2, useBias: true, l1: 0, l2: 0 },
  ];
  const x = Float32Array.from([0.5, -1, 1.5, 0.2, -0.3, 0.8, 1, 1, -1.2, 0.4, 0.1, -0.7]);
  const y = Float32Array.from([1, 0, 1, 1, 0, 0]);
  const w0 = [
    Float32Array.from([0.3, -0.6, 0.8, 0.1]),
    Float32Array.from([0.05, -0.02]),
    Float32Array.from([0.7, -0.5]),
    Float32Array.from([0.1]),
  ];
  const lossAt = (ws: Float64Array[]) => networkLoss(layers, ws, x, 6, 2, y, null);

  function network(opt: ReturnType<typeof sgd>) {
    const net = new native.Network(layers.map((l) => dense(l.inputDim, l.units, l.activation)));
    net.compile(compileSpec(2, opt));
    net.setWeights(w0);
    return net;
  }
  // Full-batch steps on the 6 rows, in order.
  const fullBatch = (net: ReturnType<typeof network>, epochs: number) =>
    net.fit(
      fitArgs(net, { train: data(x, 6, y), val: null, epochs, initialEpoch: 0, batchSize: 6, shuffle: false, seed: 1 }),
    );

  it('SGD(0.1, momentum 0.9): v = mu v - lr g, w += v, for 3 steps', async () => {
    const net = network(sgd(0.1, 0.9));
    const r = await fullBatch(net, 3);
    const w = w0.map((a) => Float64Array.from(a));
    const v = w0.map((a) => new Float64Array(a.length));
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      losses.push(lossAt(w));
      const g = finiteDifferences(w, lossAt, 1e-6);
      w.forEach((arr, a) =>
        arr.forEach((_, i) => {
          v[a]![i] = 0.9 * v[a]![i]! - 0.1 * g[a]![i]!;
          arr[i]! += v[a]![i]!;
        }),
      );
    }
    expect(r.epochsRun).toBe(3);
    Array.from(r.logs).forEach((l, i) => expect(l).toBeCloseTo(losses[i]!, 6));
    net.getWeights().forEach((arr, a) => arr.forEach((wv, i) => expect(wv).toBeCloseTo(w[a]![i]!, 5)));
    const state = net.getOptimizerState();
    expect(state.iterations).toBe(3);
    state.slots.forEach((arr, a) => arr.forEach((sv, i) => expect(sv).toBeCloseTo(v[a]![i]!, 5)));
    // the weights moved by more than the tolerance: the comparison is not vacuous
    expect(Math.abs(net.getWeights()[2]![0]! - w0[2]![0]!)).toBeGreaterThan(1e-3);
  });

  it('SGD Nesterov: w += mu v - lr g', async () => {
    const net = network(sgd(0.1, 0.9, { nesterov: true }));
    await fullBatch(net, 2);
    const w = w0.map((a) => Float64Array.from(a));
    const v = w0.map((a) => new Float64Array(a.length));
    for (let step = 0; step < 2; step++) {
      const g = finiteDifferences(w, lossAt, 1e-6);
      w.forEach((arr, a) =>
        arr.forEach((_, i) => {
          v[a]![i] = 0.9 * v[a]![i]! - 0.1 * g[a]![i]!;
          arr[i]! += 0.9 * v[a]![i]! - 0.1 * g[a]![i]!;
        }),
      );
    }
    net.getWeights().forEach((arr, a) => arr.forEach((wv, i) => expect(wv).toBeCloseTo(w[a]![i]!, 5)));
  });

  it('Adam one step: m, v, and w -= lr sqrt(1-b2)/(1-b1) m / (sqrt(v) + eps)', async () => {
    const net = network({ ...sgd(0.01), kind: 1 });
    await fullBatch(net, 1);
    const g = finiteDifferences(
      w0.map((a) => Float64Array.from(a)),
      lossAt,
      1e-6,
    );
    const alpha = (0.01 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    const state = net.getOptimizerState();
    expect(state.slots.length).toBe(8); // m and v for each of the 4 arrays
    net.getWeights().forEach((arr, a) =>
      arr.forEach((wv, i) => {
        const gi = g[a]![i]!,
          m = 0.1 * gi,
          v = 0.001 * gi * gi;
        expect(state.slots[2 * a]![i]).toBeCloseTo(m, 6);
        expect(state.slots[2 * a + 1]![i]).toBeCloseTo(v, 7);
        expect(wv).toBeCloseTo(w0[a]![i]! - (alpha * m) / (Math.sqrt(v) + 1e-7), 5);
      }),
    );
  });

  it('clipvalue clamps each gradient before the step', async () => {
    const net = network(sgd(1, 0, { clipValue: 0.01 }));
    await fullBatch(net, 1);
    const g = finiteDifferences(
      w0.map((a) => Float64Array.from(a)),
      lossAt,
      1e-6,
    );
    net
      .getWeights()
      .forEach((arr, a) =>
        arr.forEach((wv, i) => expect(wv).toBeCloseTo(w0[a]![i]! - Math.min(0.01, Math.max(-0.01, g[a]![i]!)), 6)),
      );
  });
});

describe('epoch logs', () => {
  it('full-batch loss and metrics are those of the weights before the update; validation is evaluate() after it', async () => {
    const net = new native.Network([dense(3, 5, 1), dense(5, 3, 4)]);
    net.compile(compileSpec(4, sgd(0.2), [2, 3]));
    net.setWeights(randomWeights(net, 4));
    const x = randomMatrix(40, 3, 9, 2);
    const r = rng(2);
    const y = Int32Array.from({ length: 40 }, () => Math.floor(r() * 3));
    const train = data(x, 40, y);
    const before = net.gradients(train).loss;
    const p = net.predict(x, 40);
    let hits = 0,
      mse = 0;
    for (let i = 0; i < 40; i++) {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      if (row.indexOf(Math.max(...row)) === y[i]) hits++;
      for (let j = 0; j < 3; j++) mse += (row[j]! - (j === y[i] ? 1 : 0)) ** 2 / 3;
    }
    const res = await net.fit(
      fitArgs(net, { train, val: train, epochs: 1, initialEpoch: 0, batchSize: 40, shuffle: true, seed: 3 }),
    );
    expect(res.logs.length).toBe(6);
    expect(res.logs[0]).toBeCloseTo(before, 5);
    expect(res.logs[1]).toBeCloseTo(hits / 40, 10);
    expect(res.logs[2]).toBeCloseTo(mse / 40, 5);
    const after = await net.evaluate(held(net, { train }), 16);
    Array.from(after).forEach((v, i) => expect(res.logs[3 + i]).toBeCloseTo(v, 6));
    expect(after[0]).toBeLessThan(before);
  });
});

describe('determinism', () => {
  const withDropout = () => [dense(96, 160, 1), dropout(160, 0.25, 7), dense(160, 64, 3), dense(64, 5, 4)];
  async function train(threads: number, opt: ReturnType<typeof sgd>, layers = withDropout()) {
    native.setNumThreads(threads);
    const net = new native.Network(layers);
    net.compile(compileSpec(3, opt, [1]));
    net.setWeights(randomWeights(net, 11, 0.15));
    const x = randomMatrix(500, 96, 12);
    const y = new Float32Array(500 * 5);
    for (let i = 0; i < 500; i++) y[i * 5 + (i % 5)] = 1;
    const r = await net.fit(
      fitArgs(net, {
        train: data(x, 500, y),
        val: null,
        epochs: 2,
        initialEpoch: 0,
        batchSize: 128,
        shuffle: true,
        seed: 5,
      }),
    );
    return { w: net.getWeights(), logs: r.logs };
  }

  it.each([
    ['SGD momentum (w += v on each block of the GEMM that writes v)', sgd(0.05, 0.9)],
    ['Adam, clipnorm', { ...sgd(0.01), kind: 1, clipNorm: 0.5 }],
    // Their steps run on each block of the kernel gradient as the GEMM finishes it; blocks follow the threads.
    ['Adam', { ...sgd(0.01), kind: 1 }],
    ['Nadam, clipvalue, weight decay', { ...sgd(0.01), kind: 5, clipValue: 0.01, weightDecay: 0.01 }],
  ] as const)('%s: bit-identical weights with 1 and 2 threads (shuffle and dropout on)', async (_n, opt) => {
    const one = await train(1, opt);
    const two = await train(2, opt);
    expect(sameBits(one.w, two.w)).toBe(true);
    expect(Array.from(two.logs)).toEqual(Array.from(one.logs));
    const again = await train(2, opt);
    expect(sameBits(again.w, two.w)).toBe(true);
  });

  // A Dense layer's dZ = dA * act'(Y) and bias gradient run in the epilogue of the product above it that computes dA:
  // gelu and swish read the pre-activation; ReLU's runs in the micro-kernel's store; dA of the 32-unit layer
  // (128 x 32 x 48) splits by rows at 2 threads, so its column sums run after the product, in the same row order.
  it('activation derivatives and bias gradients fused into dX: bit-identical with 1 and 2 threads', async () => {
    const layers = () => [dense(96, 160, 7), dense(160, 32, 8), dense(32, 48, 1), dense(48, 64, 6), dense(64, 5, 4)];
    const one = await train(1, sgd(0.05, 0.9), layers());
    const two = await train(2, sgd(0.05, 0.9), layers());
    expect(sameBits(one.w, two.w)).toBe(true);
    expect(Array.from(two.logs)).toEqual(Array.from(one.logs));
  });

  it('predict over many rows (chunks spread over threads) is bit-identical with 1 and 2 threads', () => {
    const net = new native.Network([dense(40, 96, 1), dense(96, 7, 4)]);
    net.setWeights(randomWeights(net, 31, 0.2));
    const x = randomMatrix(5000, 40, 32);
    native.setNumThreads(1);
    const one = net.predict(x, 5000);
    native.setNumThreads(2);
    const two = net.predict(x, 5000);
    expect(sameBits([one], [two])).toBe(true);
    // and each chunk equals predicting its rows alone
    const tail = net.predict(x.subarray(4096 * 40), 5000 - 4096);
    expect(sameBits([tail], [two.subarray(4096 * 7)])).toBe(true);
    // 1024 rows: four chunks on two threads; 700 rows: three chunks in turn, threads inside the GEMMs
    for (const rows of [1024, 700]) {
      const part = x.subarray(0, rows * 40);
      native.setNumThreads(2);
      const both = net.predict(part, rows);
      native.setNumThreads(1);
      expect(sameBits([net.predict(part, rows)], [both])).toBe(true);
      expect(sameBits([both], [one.subarray(0, rows * 7)])).toBe(true);
    }
  });

  it('epochs are keyed by absolute epoch: 2 epochs equal 1 + 1 with initialEpoch', async () => {
    const make = () => {
      const net = new native.Network([dense(4, 6, 3), dropout(6, 0.3, 2), dense(6, 1, 2)]);
      net.compile(compileSpec(2, sgd(0.1, 0.5)));
      net.setWeights(randomWeights(net, 3));
      return net;
    };
    const x = randomMatrix(50, 4, 1);
    const y = Float32Array.from({ length: 50 }, (_, i) => i % 2);
    const a = make(),
      b = make();
    const train = (net: typeof a, epochs: number, initialEpoch: number) =>
      net.fit(
        fitArgs(net, { train: data(x, 50, y), val: null, epochs, initialEpoch, batchSize: 8, shuffle: true, seed: 9 }),
      );
    await train(a, 2, 0);
    await train(b, 1, 0);
    await train(b, 1, 1);
    expect(sameBits(a.getWeights(), b.getWeights())).toBe(true);
  });
});

describe('non-finite loss', () => {
  it('stops, restores weights and optimizer state of the last finite epoch, and the model stays usable', async () => {
    const make = () => {
      const net = new native.Network([dense(2, 1, 0)]);
      net.compile(compileSpec(0, sgd(3, 0.5)));
      net.setWeights([Float32Array.from([0.1, 0.1]), Float32Array.from([0])]);
      return net;
    };
    const x = randomMatrix(64, 2, 4, 10);
    const y = randomMatrix(64, 1, 5);
    const net = make();
    const r = await net.fit(
      fitArgs(net, {
        train: data(x, 64, y),
        val: null,
        epochs: 200,
        initialEpoch: 0,
        batchSize: 16,
        shuffle: true,
        seed: 1,
      }),
    );
    expect(r.nonFinite).not.toBeNull();
    expect(r.nonFinite!.epoch).toBeGreaterThan(0);
    expect(r.epochsRun).toBe(r.nonFinite!.epoch);
    expect(r.logs.length).toBe(r.epochsRun);
    expect(Array.from(r.logs).every(Number.isFinite)).toBe(true);
    const ref = make();
    await ref.fit(
      fitArgs(ref, {
        train: data(x, 64, y),
        val: null,
        epochs: r.epochsRun,
        initialEpoch: 0,
        batchSize: 16,
        shuffle: true,
        seed: 1,
      }),
    );
    expect(sameBits(net.getWeights(), ref.getWeights())).toBe(true);
    expect(sameBits(net.getOptimizerState().slots, ref.getOptimizerState().slots)).toBe(true);
    expect(net.getOptimizerState().iterations).toBe(ref.getOptimizerState().iterations);
    net.setLearningRate(1e-4);
    const ok = await net.fit(
      fitArgs(net, {
        train: data(x, 64, y),
        val: null,
        epochs: 2,
        initialEpoch: r.epochsRun,
        batchSize: 16,
        shuffle: true,
        seed: 1,
      }),
    );
    expect(ok.nonFinite).toBeNull();
    expect(ok.epochsRun).toBe(2);
  });
});

/** Ticks of a 5 ms interval and the longest delay of one, from now until stop(). */
function watchLoop() {
  let ticks = 0,
    maxLag = 0,
    last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 5);
    last = now;
    ticks++;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return { ticks, maxLag };
    },
  };
}

describe('while fit runs', () => {
  // Timing on a shared 2-core machine: another process can starve this one for tens of ms no matter what the
  // engine does, so the loop is compared with an idle wait under the same load, and a failure is retried.
  it('the event loop keeps ticking, predict reads a whole snapshot, state changes are refused, a second fit rejects', {
    retry: 2,
  }, async () => {
    native.setNumThreads(1);
    const net = new native.Network([dense(64, 128, 1), dense(128, 128, 1), dense(128, 10, 4)]);
    net.compile(compileSpec(4, sgd(0.01, 0.9)));
    const w0 = randomWeights(net, 21, 0.1);
    net.setWeights(w0);
    const twin = new native.Network([dense(64, 128, 1), dense(128, 128, 1), dense(128, 10, 4)]);
    const rows = 8192;
    const x = randomMatrix(rows, 64, 22);
    const y = Int32Array.from({ length: rows }, (_, i) => i % 10);
    const probe = x.subarray(0, 3 * 64);
    const before = net.predict(probe, 3);

    let consistent = 0,
      changedSnapshots = 0;
    const events: number[] = [];
    const onProgress = (epoch: number) => {
      events.push(epoch);
      if (events.length > 20 && consistent > 3) return;
      const wa = net.getWeights();
      const p = net.predict(probe, 3);
      const wb = net.getWeights();
      if (!sameBits(wa, wb)) return; // an epoch ended between the two reads
      twin.setWeights(wa);
      expect(Array.from(p)).toEqual(Array.from(twin.predict(probe, 3)));
      if (!sameBits(wa, w0)) changedSnapshots++;
      consistent++;
    };

    const loop = watchLoop();
    const started = performance.now();
    const running = net.fit(
      fitArgs(net, {
        train: data(x, rows, y),
        val: null,
        epochs: 100_000,
        initialEpoch: 0,
        batchSize: 16,
        shuffle: true,
        seed: 2,
        onProgress,
        progressMs: 0,
      }),
    );
    expect(net.training).toBe(true);
    await expect(
      net.fit(
        fitArgs(net, {
          train: data(x, rows, y),
          val: null,
          epochs: 1,
          initialEpoch: 0,
          batchSize: 16,
          shuffle: true,
          seed: 2,
        }),
      ),
    ).rejects.toThrow(/already training/);
    expect(() => net.setWeights(w0)).toThrow(/training/);
    expect(() => net.compile(compileSpec(4, sgd(0.1)))).toThrow(/training/);
    expect(() => net.setOptimizerState(net.getOptimizerState())).toThrow(/training/);
    await new Promise((r) => setTimeout(r, 400));
    net.requestStop();
    const res = await running;
    const { ticks, maxLag } = loop.stop();
    const elapsed = performance.now() - started;
    // The same watch over an idle wait as long, right after, under the same load from other processes.
    const idle = watchLoop();
    await new Promise((r) => setTimeout(r, elapsed));
    const quiet = idle.stop();

    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(res.stopped).toBe(true);
    expect(res.epochsRun).toBeGreaterThanOrEqual(1);
    expect(net.training).toBe(false);
    expect(ticks).toBeGreaterThan(Math.min(40, quiet.ticks / 2));
    expect(maxLag).toBeLessThan(20 + quiet.maxLag);
    expect(events.length).toBeGreaterThan(0);
    expect(consistent).toBeGreaterThan(0);
    // the snapshot changes only at epoch ends; after fit it is the final weights
    expect(Array.from(net.predict(probe, 3))).not.toEqual(Array.from(before));
    twin.setWeights(net.getWeights());
    expect(Array.from(net.predict(probe, 3))).toEqual(Array.from(twin.predict(probe, 3)));
    expect(changedSnapshots).toBeLessThanOrEqual(consistent);
  });

  it('predictAsync and evaluate settle with the same numbers as predict', async () => {
    const net = new native.Network([dense(5, 7, 6), dense(7, 2, 2)]);
    net.compile(compileSpec(2, sgd(0.1), [0]));
    net.setWeights(randomWeights(net, 8));
    const x = randomMatrix(3000, 5, 9);
    const p = net.predict(x, 3000);
    expect(Array.from(await net.predictAsync(heldInputs(net, x, 3000)))).toEqual(Array.from(p));
    const y = Float32Array.from(p, (v) => (v > 0.5 ? 1 : 0));
    const ev = await net.evaluate(held(net, { train: data(x, 3000, y) }), 100);
    expect(ev[1]).toBe(1); // targets are the thresholded predictions
    expect(ev[0]).toBeGreaterThan(0);
  });
});
