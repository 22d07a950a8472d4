// model.fit copies its data once for all its epochs (lib/model/fit-data.ts, native/binding/fit_data.cc),
// in steps between which the event loop runs, and frees the copy when it ends, whether it succeeds or not.
import { describe, expect, it } from 'vitest';
import { Dense, Matrix, Sequential, setSeed } from '../lib/index.js';
import { native } from '../lib/native.js';
import { compileSpec, data, dense, sgd } from './helpers/engine.js';

const testing = native._testing;

function model() {
  setSeed(5);
  const m = new Sequential([
    new Dense(8, { inputDim: 6, activation: 'relu' }),
    new Dense(3, { activation: 'softmax' }),
  ]);
  m.compile({ loss: 'categorical_crossentropy', optimizer: 'sgd' });
  return m;
}

function rows(n: number, cols: number): Matrix {
  return new Matrix(
    n,
    cols,
    Float32Array.from({ length: n * cols }, (_, i) => Math.sin(i * 0.37)),
  );
}

describe('model.fit copies its data once', () => {
  const x = rows(200, 6);
  const y = Int32Array.from({ length: 200 }, (_, i) => i % 3);
  // x, and y as one-hot rows (categorical_crossentropy)
  const bytes = 200 * 6 * 4 + 200 * 3 * 4;

  it('for all the epochs that run one native call each (callbacks between epochs, the progress bar)', async () => {
    let epochs = 0;
    const before = testing.copiedBytes();
    await model().fit(x, y, { epochs: 4, batchSize: 32, verbose: 0, callbacks: [{ onEpochEnd: () => void epochs++ }] });
    expect(epochs).toBe(4);
    expect(testing.copiedBytes() - before).toBe(bytes);
  });

  it('with validationData too, and no copy when no epoch runs', async () => {
    let before = testing.copiedBytes();
    await model().fit(x, y, { epochs: 3, batchSize: 50, verbose: 0, validationData: [x, y], callbacks: [{}] });
    expect(testing.copiedBytes() - before).toBe(2 * bytes);
    before = testing.copiedBytes();
    await model().fit(x, y, { epochs: 0, verbose: 0 });
    expect(testing.copiedBytes() - before).toBe(0);
  });

  it('and frees it when fit ends, also when a callback throws', async () => {
    const idle = testing.heldBytes();
    let during = 0;
    await model().fit(x, y, {
      epochs: 2,
      verbose: 0,
      callbacks: [
        {
          onEpochEnd: () => {
            during = testing.heldBytes();
          },
        },
      ],
    });
    expect(during - idle).toBe(bytes);
    expect(testing.heldBytes()).toBe(idle);
    const m = model();
    const failing = {
      onEpochEnd: (e: number) => {
        if (e === 1) throw new Error('stop here');
      },
    };
    await expect(m.fit(x, y, { epochs: 5, verbose: 0, callbacks: [failing] })).rejects.toThrow('stop here');
    expect(testing.heldBytes()).toBe(idle);
    expect(m.epochsTrained).toBe(2);
  });

  it('gives the same weights as the data read once per epoch did', async () => {
    // Per-epoch calls against one call for all epochs: the same copy, the same shuffles.
    const a = model(),
      b = model();
    setSeed(9);
    await a.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    setSeed(9);
    await b.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [{ onEpochBegin: () => {} }] });
    const flat = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(w instanceof Matrix ? w.data : w));
    expect(flat(b)).toEqual(flat(a));
  });
});

describe('the copy runs in steps', () => {
  it('the event loop runs between them; an input detached meanwhile is a clear error and the model stays usable', async () => {
    // 12 MB: two steps of 8 MiB
    const big = rows(2000, 1500);
    const labels = Int32Array.from({ length: 2000 }, (_, i) => i % 2);
    setSeed(1);
    const m = new Sequential([new Dense(2, { inputDim: 1500, activation: 'softmax' })]);
    m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd' });
    const running = m.fit(big, labels, { epochs: 1, verbose: 0 });
    let ranMeanwhile = false;
    setImmediate(() => {
      ranMeanwhile = true;
      structuredClone(big.data.buffer, { transfer: [big.data.buffer] });
    });
    await expect(running).rejects.toThrow(
      /^fit: x was detached or shrunk while it was being copied \(12000000 bytes\)/,
    );
    expect(ranMeanwhile).toBe(true);
    expect(testing.heldBytes()).toBe(0);
    const again = rows(2000, 1500);
    await m.fit(again, labels, { epochs: 1, verbose: 0 });
    expect(m.epochsTrained).toBe(1);
  });
});

describe('the NaN/Infinity check of x runs in steps too', () => {
  it('the event loop runs before it rejects with the cell named', async () => {
    const big = rows(2000, 1500);
    big.data[1999 * 1500 + 7] = Number.NaN;
    const m = new Sequential([new Dense(2, { inputDim: 1500, activation: 'softmax' })]);
    m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd' });
    let ticked = false;
    let tickedFirst = false;
    setImmediate(() => {
      ticked = true;
    });
    const running = m.fit(big, new Int32Array(2000), { epochs: 1, verbose: 0 }).catch((e: unknown) => {
      tickedFirst = ticked;
      throw e;
    });
    await expect(running).rejects.toThrow(/^fit: x\[1999\]\[7\] \(row 1999, column 7\) is NaN; inputs must be finite/);
    expect(tickedFirst).toBe(true);
    expect(m.fitting).toBe(false);
  });
});

describe('FitData (native)', () => {
  const x = Float32Array.from({ length: 8 }, (_, i) => i / 8);
  const y = Float32Array.from([1, 0, 0, 1]);
  const args = { epochs: 1, initialEpoch: 0, batchSize: 2, shuffle: false, seed: 0 };

  it('copies in steps of at most maxBytes and checks the arrays before each', () => {
    const net = new native.Network([dense(2, 1, 2)]);
    net.compile(compileSpec(2, sgd(0.1)));
    const before = testing.copiedBytes();
    const d = new native.FitData(net, { train: data(x, 4, y), val: null });
    expect(testing.copiedBytes()).toBe(before);
    expect(d.copy(20)).toBe(false); // 20 of x's 32 bytes
    expect(testing.copiedBytes() - before).toBe(20);
    expect(d.copy(20)).toBe(false); // x's last 12, 8 of y's 16
    expect(d.copy(20)).toBe(true);
    expect(testing.copiedBytes() - before).toBe(48); // 32 + 16: nothing twice
    const shrunk = new Float32Array(new ArrayBuffer(32, { maxByteLength: 32 }));
    const e = new native.FitData(net, { train: data(shrunk, 4, y), val: null });
    expect(e.copy(8)).toBe(false);
    (shrunk.buffer as ArrayBuffer & { resize(n: number): void }).resize(16);
    expect(() => e.copy(8)).toThrow(/^data\.train\.x was detached or shrunk while it was being copied \(32 bytes\)/);
    e.release();
    d.release();
  });

  it('fit refuses data that is not a FitData, not yet copied, released, or made for another network or loss', async () => {
    const net = new native.Network([dense(2, 1, 2)]);
    net.compile(compileSpec(2, sgd(0.1)));
    const other = new native.Network([dense(2, 1, 2)]);
    other.compile(compileSpec(2, sgd(0.1)));
    const d = new native.FitData(net, { train: data(x, 4, y), val: null });
    expect(() => net.fit({ data: { copy: () => true } as never, ...args })).toThrow(/args\.data must be a FitData/);
    expect(() => net.fit({ data: d, ...args })).toThrow(/args\.data is not copied yet/);
    expect(d.copy(1 << 20)).toBe(true);
    expect(() => other.fit({ data: d, ...args })).toThrow(/args\.data was made for another network or loss/);
    expect(() => new native.FitData(d as never, { train: data(x, 4, y), val: null })).toThrow(
      /network must be a Network/,
    );
    expect((await net.fit({ data: d, ...args })).epochsRun).toBe(1);
    net.compile(compileSpec(4, sgd(0.1))); // sparse categorical crossentropy: y must be class indexes now
    expect(() => net.fit({ data: d, ...args })).toThrow(/another network or loss/);
    d.release();
    expect(() => net.fit({ data: d, ...args })).toThrow(/args\.data was released/);
    expect(() => d.copy(1)).toThrow(/FitData\.copy: the data was released/);
  });

  it('a fit keeps reading its data after release(), which only drops the handle', async () => {
    const net = new native.Network([dense(2, 1, 2)]);
    net.compile(compileSpec(2, sgd(0.1)));
    const d = new native.FitData(net, { train: data(x, 4, y), val: null });
    d.copy(1 << 20);
    const p = net.fit({ data: d, ...args, epochs: 200 });
    d.release();
    const r = await p;
    expect(r.epochsRun).toBe(200);
    expect(Number.isFinite(r.logs[199])).toBe(true);
  });
});
