// fit semantics: validation split, History, one native call vs one per epoch, stopping, NaN losses,
// concurrency, determinism across thread counts and the event loop during training.
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  Dense,
  Dropout,
  Matrix,
  NonFiniteLossError,
  SGD,
  Sequential,
  TerminateOnNaN,
  backendInfo,
  setNumThreads,
  setSeed,
} from '../lib/index.js';
import { Rng } from '../lib/random.js';

/** n rows of `cols` standard-normal features and a 0/1 label from a fixed rule. */
function data(n: number, cols: number, seed: number): { x: Matrix; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Matrix(n, cols);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      x.data[i * cols + j] = rng.normal();
      s += x.data[i * cols + j]! * (j % 2 ? 1 : -0.5);
    }
    y[i] = s > 0 ? 1 : 0;
  }
  return { x, y };
}

function mlp(cols: number, seed: number, dropout = 0): Sequential {
  setSeed(seed);
  const m = new Sequential([new Dense(16, { inputDim: cols, activation: 'relu' })]);
  if (dropout) m.add(new Dropout(dropout));
  m.add(new Dense(1, { activation: 'sigmoid' }));
  m.compile({ loss: 'binary_crossentropy', optimizer: new SGD(0.05, 0.9), metrics: ['accuracy'] });
  return m;
}

const flat = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(w instanceof Matrix ? w.data : w));

describe('fit', () => {
  const defaultThreads = backendInfo().threads;
  afterAll(() => setNumThreads(defaultThreads));

  it('validationSplit holds out the LAST rows, before shuffling', async () => {
    const { x, y } = data(10, 3, 1);
    const a = mlp(3, 5);
    const b = mlp(3, 5);
    const h = await a.fit(x, y, { epochs: 2, batchSize: 7, validationSplit: 0.3, shuffle: false, verbose: 0 });
    // floor(10 * 0.7) = 7 training rows: b trained on rows 0..6 alone ends with the same weights.
    await b.fit(x.sliceRows(0, 7), y.subarray(0, 7), { epochs: 2, batchSize: 7, shuffle: false, verbose: 0 });
    expect(flat(a)).toEqual(flat(b));
    const [valLoss, valAcc] = await a.evaluate(x.sliceRows(7, 10), y.subarray(7, 10));
    expect(h.history.val_loss![1]).toBeCloseTo(valLoss!, 5);
    expect(h.history.val_accuracy![1]).toBeCloseTo(valAcc!, 5);
  });

  it('warns when the validation rows taken from the end are all one class (sorted data)', async () => {
    const x = Array.from({ length: 10 }, (_, i) => [i / 10, 1 - i / 10, 0]);
    const sorted = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await mlp(3, 1).fit(x, sorted, { epochs: 1, validationSplit: 0.3, verbose: 0 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toBe(
        'fit: all 3 validation rows (the last 30 %, taken before shuffling, as Keras does) are class 1; ' +
          'if the rows are sorted, shuffle them first or pass validationData',
      );
      await mlp(3, 1).fit(x, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], { epochs: 1, validationSplit: 0.3, verbose: 0 });
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it('History has Keras keys (names as compiled), one value per epoch, epoch indexes and params', async () => {
    const { x, y } = data(64, 4, 2);
    const v = data(16, 4, 3);
    setSeed(1);
    const m = new Sequential([
      new Dense(3, { inputDim: 4, activation: 'tanh' }),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    m.compile({ loss: 'binaryCrossentropy', optimizer: 'adam', metrics: ['acc', 'mse'] });
    const h = await m.fit(x, y, { epochs: 5, batchSize: 10, validationData: [v.x, v.y], verbose: 0 });
    expect(Object.keys(h.history)).toEqual(['loss', 'acc', 'mse', 'val_loss', 'val_acc', 'val_mse']);
    for (const values of Object.values(h.history)) expect(values).toHaveLength(5);
    expect(h.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(h.params).toEqual({ verbose: 0, epochs: 5, steps: 7 });
    expect(m.history).toBe(h);
    // Resuming: epochs is the index to stop at.
    const h2 = await m.fit(x, y, { epochs: 8, initialEpoch: 5, batchSize: 10, verbose: 0 });
    expect(h2.epoch).toEqual([5, 6, 7]);
    expect(h2.history.loss).toHaveLength(3);
  });

  it('all epochs in one native call or one per epoch give identical results (shuffle and dropout on)', async () => {
    const { x, y } = data(100, 6, 4);
    const a = mlp(6, 9, 0.25);
    const b = mlp(6, 9, 0.25);
    setSeed(3);
    const ha = await a.fit(x, y, { epochs: 4, batchSize: 16, verbose: 0 });
    setSeed(3);
    const hb = await b.fit(x, y, { epochs: 4, batchSize: 16, verbose: 0, callbacks: [{ onEpochEnd() {} }] });
    expect(hb.history.loss).toEqual(ha.history.loss);
    expect(flat(b)).toEqual(flat(a));
  });

  it('setSeed gives bit-identical weights after fit with 1 and 2 threads', async () => {
    const { x, y } = data(512, 32, 5);
    const run = async (threads: number, seed: number) => {
      setNumThreads(threads);
      setSeed(seed);
      const m = new Sequential([
        new Dense(64, { inputDim: 32, activation: 'relu' }),
        new Dropout(0.2),
        new Dense(64, { activation: 'tanh' }),
        new Dense(1, { activation: 'sigmoid' }),
      ]);
      m.compile({ loss: 'binary_crossentropy', optimizer: new SGD(0.05, 0.9) });
      await m.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0 });
      return flat(m);
    };
    const one = await run(1, 42);
    const two = await run(2, 42);
    expect(two).toEqual(one);
    expect(await run(2, 43)).not.toEqual(one);
  });

  it('stopTraining = true stops after the current epoch', async () => {
    const { x, y } = data(32, 3, 6);
    const m = mlp(3, 1);
    const h = await m.fit(x, y, {
      epochs: 10,
      verbose: 0,
      callbacks: [
        {
          onEpochEnd: (epoch: number) => {
            if (epoch === 2) m.stopTraining = true;
          },
        },
      ],
    });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(m.stopTraining).toBe(true);
    // The next fit starts afresh.
    expect((await m.fit(x, y, { epochs: 2, verbose: 0 })).epoch).toEqual([0, 1]);
  });

  it('onBatchEnd reports progress during a single native call, and stopTraining set there stops it', async () => {
    const { x, y } = data(4096, 64, 10);
    setSeed(1);
    const m = new Sequential([
      new Dense(256, { inputDim: 64, activation: 'relu' }),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    m.compile({ loss: 'binary_crossentropy', optimizer: new SGD(0.01, 0.9) });
    const seen: [number, number][] = [];
    const h = await m.fit(x, y, {
      epochs: 1000,
      batchSize: 64,
      verbose: 0,
      callbacks: [
        {
          onBatchEnd: (batch: number, logs: { loss?: number }) => {
            seen.push([batch, logs.loss!]);
            m.stopTraining = true;
          },
        },
      ],
    });
    expect(seen.length).toBeGreaterThan(0);
    for (const [batch, loss] of seen) {
      expect(batch).toBeGreaterThanOrEqual(0);
      expect(batch).toBeLessThan(64);
      expect(loss).toBeGreaterThan(0);
    }
    expect(h.epoch.length).toBeLessThan(1000);
    expect(h.epoch).toEqual([...Array(h.epoch.length).keys()]);
  });

  it('an error thrown in onBatchEnd stops training and rejects fit with it', async () => {
    const { x, y } = data(4096, 64, 11);
    const m = new Sequential([
      new Dense(256, { inputDim: 64, activation: 'relu' }),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    m.compile({ loss: 'binary_crossentropy', optimizer: new SGD(0.01) });
    const boom = new Error('boom');
    await expect(
      m.fit(x, y, { epochs: 1000, verbose: 0, callbacks: [{ onBatchEnd: async () => Promise.reject(boom) }] }),
    ).rejects.toBe(boom);
    expect((await m.fit(x, y, { epochs: 1, verbose: 0 })).epoch).toEqual([0]);
  });

  it('a second concurrent fit rejects clearly and the first completes', async () => {
    const { x, y } = data(256, 8, 7);
    const m = mlp(8, 2);
    const first = m.fit(x, y, { epochs: 20, verbose: 0 });
    await expect(m.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/already training/);
    // During fit: predict reads the last epoch's weights; changing the model is refused.
    expect(m.predict(x.sliceRows(0, 2)).shape).toEqual([2, 1]);
    expect(() => m.setWeights(m.getWeights())).toThrow('setWeights: the model is training');
    expect(() => m.compile({ loss: 'mse' })).toThrow('compile: the model is training');
    expect((await m.evaluate(x, y))[0]).toBeGreaterThan(0);
    expect((await first).history.loss).toHaveLength(20);
  });

  it('evaluate from a callback reads the epoch just ended (as Keras), and the fit goes on', async () => {
    const { x, y } = data(256, 8, 7);
    const m = mlp(8, 2);
    const seen: { weights: ReturnType<typeof m.getWeights>; value: number[] }[] = [];
    const cb = { onEpochEnd: async () => void seen.push({ weights: m.getWeights(), value: await m.evaluate(x, y) }) };
    const h = await m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [cb] });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(seen[2]!.value).toEqual(await m.evaluate(x, y));
    m.setWeights(seen[0]!.weights);
    expect(seen[0]!.value).toEqual(await m.evaluate(x, y));
    expect(seen[0]!.value).not.toEqual(seen[2]!.value);
  });

  it('a loss that turns NaN stops with a clear error, keeps the last finite weights, and the model stays usable', async () => {
    const x = [[1000], [-2000], [3000], [500]];
    const y = [1000, -2000, 3000, 500];
    const m = new Sequential([new Dense(1, { inputDim: 1 })]);
    m.compile({ loss: 'mse', optimizer: new SGD(10) });
    const seen: number[][] = [];
    const err = await m
      .fit(x, y, { epochs: 50, batchSize: 4, verbose: 0, callbacks: [{ onEpochEnd: () => void seen.push(flat(m)) }] })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toMatch(/loss became NaN or Infinity in epoch \d+, batch 1/);
    const history = (err as NonFiniteLossError).history;
    expect(history.history.loss!.length).toBe(seen.length);
    expect(history.history.loss!.every(Number.isFinite)).toBe(true);
    expect(flat(m)).toEqual(seen[seen.length - 1]);
    // Usable: with sane weights and learning rate it trains again.
    m.setWeights([[[1]], [0]]);
    m.compile({ loss: 'mse', optimizer: new SGD(1e-7) });
    const h = await m.fit(x, y, { epochs: 2, verbose: 0 });
    expect(h.history.loss!.every(Number.isFinite)).toBe(true);

    // TerminateOnNaN turns the same divergence into a normal stop.
    const t = new Sequential([new Dense(1, { inputDim: 1 })]);
    t.compile({ loss: 'mse', optimizer: new SGD(10) });
    const log = console.log;
    console.log = () => {};
    try {
      const ht = await t.fit(x, y, { epochs: 50, batchSize: 4, verbose: 0, callbacks: [new TerminateOnNaN()] });
      expect(ht.history.loss!.length).toBeLessThan(50);
    } finally {
      console.log = log;
    }
  });

  it('classWeight equals the matching sampleWeight; sample weights scale the loss (sum over batch size)', async () => {
    const { x, y } = data(40, 3, 8);
    const a = mlp(3, 4);
    const b = mlp(3, 4);
    const sw = Array.from(y, (v) => (v === 1 ? 3 : 0.5));
    setSeed(1);
    await a.fit(x, y, { epochs: 3, batchSize: 8, classWeight: { 0: 0.5, 1: 3 }, verbose: 0 });
    setSeed(1);
    await b.fit(x, y, { epochs: 3, batchSize: 8, sampleWeight: sw, verbose: 0 });
    expect(flat(a)).toEqual(flat(b));
    const [l1] = await a.evaluate(x, y);
    const [l2] = await a.evaluate(x, y, { sampleWeight: new Float32Array(40).fill(2) });
    expect(l2).toBeCloseTo(2 * l1!, 5);
  });

  it('the event loop keeps ticking during fit as it does while idle (5 ms interval)', async () => {
    const { x, y } = data(4096, 64, 9);
    setSeed(1);
    const m = new Sequential([
      new Dense(256, { inputDim: 64, activation: 'relu' }),
      new Dense(256, { activation: 'relu' }),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    m.compile({ loss: 'binary_crossentropy', optimizer: new SGD(0.01, 0.9) });
    // One engine thread leaves a core to this one. The machine is shared (other test files, other work), so
    // the ticks during fit are compared with the ticks of an idle wait as long, right after, under the same
    // load: a fit that blocked the event loop would see next to none (every tick delayed to its end). The
    // worst-case lag on a quiet machine is measured by bench/train.bench.js.
    setNumThreads(1);
    const ticksDuring = async (work: () => Promise<unknown>) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const start = performance.now();
      await work();
      clearInterval(timer);
      return { ticks, ms: performance.now() - start };
    };
    const fit = await ticksDuring(() => m.fit(x, y, { epochs: 20, batchSize: 64, verbose: 0 }));
    setNumThreads(defaultThreads);
    const idle = await ticksDuring(() => new Promise((resolve) => setTimeout(resolve, fit.ms)));
    expect(fit.ms).toBeGreaterThan(100); // long enough to mean something
    expect(idle.ticks).toBeGreaterThan(10);
    expect(fit.ticks).toBeGreaterThan(idle.ticks / 3);
  });
});
