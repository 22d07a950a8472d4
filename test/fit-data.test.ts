// model.fit copies its data once for all its epochs (lib/model/fit-data.ts, native/binding/fit_data.cc),
// in steps between which the event loop runs, and frees the copy when it ends, whether it succeeds or not;
// evaluate and predictAsync copy theirs the same way. The steps check x for NaN/Infinity and one-hot y.
import { describe, expect, it } from 'vitest';
import { Dense, Matrix, Sequential, setSeed } from '../lib/index.js';
import { native } from '../lib/native.js';
import { compileSpec, data, dense, held as heldData, sgd } from './helpers/engine.js';

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

/** Detaches `buffer` between the first and the second step of a copy started after this call. */
function detachAfterFirstStep(buffer: ArrayBufferLike): Promise<void> {
  const start = testing.copiedBytes();
  return new Promise((resolve) => {
    const poll = () => {
      if (testing.copiedBytes() - start < 8 << 20) return setImmediate(poll);
      structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
      resolve();
    };
    setImmediate(poll);
  });
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
    const detached = detachAfterFirstStep(big.data.buffer);
    await expect(m.fit(big, labels, { epochs: 1, verbose: 0 })).rejects.toThrow(
      /^fit: x was detached or shrunk while it was being copied \(12000000 bytes\)/,
    );
    await detached;
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

describe('evaluate and predictAsync copy in steps too', () => {
  const big = () => rows(2000, 1500); // 12 MB: two steps of 8 MiB
  const labels = Int32Array.from({ length: 2000 }, (_, i) => i % 2);
  function wide() {
    setSeed(1);
    const m = new Sequential([new Dense(2, { inputDim: 1500, activation: 'softmax' })]);
    m.compile({ loss: 'categorical_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    return m;
  }

  for (const call of ['evaluate', 'predictAsync'] as const) {
    it(`${call}: the event loop runs between the steps; an input detached meanwhile is a clear error`, async () => {
      const m = wide();
      const x = big();
      const detached = detachAfterFirstStep(x.data.buffer);
      await expect(call === 'evaluate' ? m.evaluate(x, labels) : m.predictAsync(x)).rejects.toThrow(
        new RegExp(`^${call}: x was detached or shrunk while it was being copied \\(12000000 bytes\\)`),
      );
      await detached;
      expect(testing.heldBytes()).toBe(0);
    });
  }

  it('give what the synchronous predict and a one-hot evaluate give, and free their copies', async () => {
    const m = wide();
    const x = big();
    const before = testing.copiedBytes();
    const p = await m.predictAsync(x);
    expect(testing.copiedBytes() - before).toBe(12_000_000);
    expect(Array.from(p.data)).toEqual(Array.from(m.predict(x).data));
    const oneHot = new Matrix(2000, 2);
    labels.forEach((c, i) => (oneHot.data[i * 2 + c] = 1));
    // class indexes are one-hot encoded by the native copy: the same bits as the rows given
    expect(await m.evaluate(x, labels)).toEqual(await m.evaluate(x, oneHot));
    expect(testing.heldBytes()).toBe(0);
  });

  it('their memory waits in the pool for the next call, until trimPool frees what has been idle long enough', async () => {
    const m = wide();
    native.FitData.trimPool(0);
    expect(testing.pooledBytes()).toBe(0);
    await m.predictAsync(big());
    expect(testing.pooledBytes()).toBe(12_000_000); // back in the pool once the Promise settled
    expect(native.FitData.trimPool(60_000)).toBe(0); // not idle for a minute
    expect(testing.pooledBytes()).toBe(12_000_000);
    expect(native.FitData.trimPool(0)).toBe(12_000_000);
    expect(testing.pooledBytes()).toBe(0);
  });

  it('evaluate names the first NaN/Infinity of x, found as it is copied', async () => {
    const x = big();
    x.data[1999 * 1500 + 3] = Number.NEGATIVE_INFINITY;
    await expect(wide().evaluate(x, labels)).rejects.toThrow(
      /^evaluate: x\[1999\]\[3\] \(row 1999, column 3\) is -Infinity; inputs must be finite/,
    );
    expect(testing.heldBytes()).toBe(0);
  });
});

describe('fit finds NaN/Infinity as it copies', () => {
  it('naming the row of x for validationSplit rows and the validationData for its own', async () => {
    const x = rows(100, 6);
    const y = Int32Array.from({ length: 100 }, (_, i) => i % 3);
    x.data[95 * 6 + 2] = Number.NaN; // in the last 10 %: the validation rows
    await expect(model().fit(x, y, { validationSplit: 0.1, verbose: 0 })).rejects.toThrow(
      /^fit: x\[95\]\[2\] \(row 95, column 2\) is NaN/,
    );
    const vx = rows(10, 6);
    vx.data[4 * 6 + 5] = Number.POSITIVE_INFINITY;
    const m = model();
    let began = false;
    const hooks = {
      onTrainBegin: () => {
        began = true;
      },
    };
    await expect(
      m.fit(rows(30, 6), y.subarray(0, 30), {
        validationData: [vx, y.subarray(0, 10)],
        verbose: 0,
        callbacks: [hooks],
      }),
    ).rejects.toThrow(/^fit: validationData x\[4\]\[5\] \(row 4, column 5\) is Infinity/);
    expect(began).toBe(false); // found before any callback ran
    expect(m.fitting).toBe(false);
    expect(testing.heldBytes()).toBe(0);
  });
});

describe('x on a SharedArrayBuffer', () => {
  it('is read in place, not copied, and still checked for NaN/Infinity', async () => {
    const x = new Matrix(200, 6, new Float32Array(new SharedArrayBuffer(200 * 6 * 4)));
    x.data.set(rows(200, 6).data);
    const y = Int32Array.from({ length: 200 }, (_, i) => i % 3);
    const before = testing.copiedBytes();
    await model().fit(x, y, { epochs: 1, verbose: 0 });
    expect(testing.copiedBytes() - before).toBe(200 * 3 * 4); // the one-hot targets only
    x.data[190 * 6 + 1] = Number.NaN; // a validation row
    await expect(model().fit(x, y, { epochs: 1, verbose: 0, validationSplit: 0.1 })).rejects.toThrow(
      /^fit: x\[190\]\[1\] \(row 190, column 1\) is NaN/,
    );
    await expect(model().evaluate(x, y)).rejects.toThrow(/^evaluate: x\[190\]\[1\] \(row 190, column 1\) is NaN/);
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

  it('inputsOnly data: x alone for predictAsync, on a network not compiled yet; fit and evaluate refuse it', async () => {
    const net = new native.Network([dense(2, 1, 2)]);
    const d = new native.FitData(net, { train: { x, rows: 4 }, inputsOnly: true });
    expect(() => new native.FitData(net, { train: data(x, 4, y) })).toThrow(/FitData before compile\(\)/);
    expect(d.copy(1 << 20)).toBe(true);
    expect(Array.from(await net.predictAsync(d))).toEqual(Array.from(net.predict(x, 4)));
    net.compile(compileSpec(2, sgd(0.1)));
    expect(() => net.evaluate(d, 2)).toThrow(/data holds no targets \(it was made inputsOnly\)/);
    expect(() => net.fit({ data: d, ...args })).toThrow(/args\.data holds no targets/);
    d.release();
  });

  it('checkFinite: the NaN/Infinity of x as it is copied, with its index; class indexes copied one-hot', async () => {
    const net = new native.Network([dense(2, 1, 2)]);
    net.compile(compileSpec(2, sgd(0.1)));
    const bad = x.slice();
    bad[5] = Number.NaN;
    const d = new native.FitData(net, { train: data(bad, 4, y), checkFinite: true });
    expect(d.copy(16)).toBe(false); // elements 0-3
    let error: (RangeError & { index?: number }) | undefined;
    try {
      d.copy(16);
    } catch (e) {
      error = e as RangeError;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect(error!.message).toBe('data.train.x[5] is not a finite number');
    expect(error!.index).toBe(5);
    d.release();
    // two outputs: class indexes 1, 0, 0, 1 are the rows [0, 1], [1, 0], [1, 0], [0, 1]
    const classes = Int32Array.from([1, 0, 0, 1]);
    const twoOut = new native.Network([dense(2, 2, 2)]);
    twoOut.compile(compileSpec(2, sgd(0.1)));
    const rows2 = Float32Array.from([0, 1, 1, 0, 1, 0, 0, 1]);
    const a = await twoOut.evaluate(heldData(twoOut, { train: data(x, 4, classes) }), 4);
    const b = await twoOut.evaluate(heldData(twoOut, { train: data(x, 4, rows2) }), 4);
    expect(Array.from(a)).toEqual(Array.from(b));
    const shifting = classes.slice();
    const e = new native.FitData(twoOut, { train: data(x, 4, shifting) });
    shifting[2] = 7; // changed after the checks, before the copy: refused, not written out of bounds
    expect(() => e.copy(1 << 20)).toThrow(/^data\.train\.y\[2\] must be a class index in \[0, 2\), got 7/);
    e.release();
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
