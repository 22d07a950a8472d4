import { describe, expect, it } from 'vitest';
import { Dense, Matrix, Sequential, setSeed, type Dataset } from '../lib/index.js';
import { seededRandom } from '../lib/random.js';

/** y = 2a − b + 0.5 over n rows, served in chunks of `chunk` rows; counts passes. */
function linearData(n: number, chunk: number) {
  const r = seededRandom(3);
  const x = new Matrix(n, 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x.data[2 * i] = r() * 2 - 1;
    x.data[2 * i + 1] = r() * 2 - 1;
    y[i] = 2 * x.data[2 * i]! - x.data[2 * i + 1]! + 0.5;
  }
  let passes = 0;
  const dataset: Dataset = {
    async *[Symbol.asyncIterator]() {
      passes++;
      for (let s = 0; s < n; s += chunk)
        yield { x: x.sliceRows(s, Math.min(n, s + chunk)), y: y.subarray(s, Math.min(n, s + chunk)) };
    },
  };
  return { x, y, dataset, passes: () => passes };
}

const model = () => {
  const m = new Sequential([new Dense(1, { inputDim: 2 })]);
  m.compile({ loss: 'mse', optimizer: 'adam', metrics: ['mae'] });
  return m;
};

describe('fit on a Dataset', () => {
  it('reads the dataset once per epoch, logs row-weighted means, validates on [x, y], and learns', async () => {
    setSeed(1);
    const d = linearData(1000, 300);
    const m = model();
    m.optimizer!.learningRate = 0.05;
    const h = await m.fit(d.dataset, { epochs: 30, batchSize: 16, validationData: [d.x, d.y] });
    expect(d.passes()).toBe(30);
    expect(h.epoch).toHaveLength(30);
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    expect(h.history.val_loss!.at(-1)!).toBeLessThan(1e-3);
    expect(m.epochsTrained).toBe(30);
    // val_loss is the evaluate of the model at the end of the epoch
    expect((await m.evaluate(d.x, d.y))[0]).toBeCloseTo(h.history.val_loss!.at(-1)!, 6);
  });

  it('a dataset element without x and y, or no rows at all, is an error that says so', async () => {
    const bad: Dataset = {
      async *[Symbol.asyncIterator]() {
        yield { x: [[1, 2]] } as never;
      },
    };
    await expect(model().fit(bad)).rejects.toThrow(/dataset element 0 must be \{ x, y \}/);
    const empty: Dataset = { async *[Symbol.asyncIterator]() {} };
    await expect(model().fit(empty)).rejects.toThrow(/the dataset yielded no rows in epoch 1/);
  });

  it("names a chunk's NaN/Infinity in x by element, row and column, and the model stays usable", async () => {
    const d = linearData(600, 200);
    const m = model();
    const before = m.getWeights()[0]!.data.slice();
    d.x.data[2 * 250 + 1] = Number.NEGATIVE_INFINITY; // element 1, its row 50
    await expect(m.fit(d.dataset, { epochs: 1 })).rejects.toThrow(
      /^fit: dataset element 1\.x\[50\]\[1\] \(row 50, column 1\) is -Infinity; inputs must be finite numbers$/,
    );
    // element 0 trained before the bad chunk was read; the model trains on clean data afterwards
    expect(m.getWeights()[0]!.data).not.toEqual(before);
    d.x.data[2 * 250 + 1] = 0;
    await expect(m.fit(d.dataset, { epochs: 1 })).resolves.toBeDefined();
  });

  it("onBatchEnd counts batches across the epoch's chunks and sees each chunk's last one; its error rejects fit", async () => {
    setSeed(1);
    const d = linearData(120, 40); // 3 chunks of 40 rows, 3 batches of 16 each: batches 0..8 per epoch
    const m = model();
    const seen: number[][] = [[], []];
    let epoch = 0;
    const cb = {
      onEpochBegin: (e: number) => {
        epoch = e;
      },
      onBatchEnd: (b: number) => void seen[epoch]!.push(b),
    };
    await m.fit(d.dataset, { epochs: 2, batchSize: 16, callbacks: [cb] });
    for (const s of seen) {
      expect(s.filter((b) => b % 3 === 2)).toEqual([2, 5, 8]); // it was never called on a Dataset
      expect(Math.max(...s)).toBe(8);
    }
    const boom = new Error('boom');
    await expect(m.fit(d.dataset, { epochs: 3, callbacks: [{ onBatchEnd: () => Promise.reject(boom) }] })).rejects.toBe(
      boom,
    );
    await expect(m.fit(d.dataset, { callbacks: [{ onBatchBegin: () => {} } as never] })).rejects.toThrow(
      'fit: callbacks[0].onBatchBegin is a Keras hook myelin does not call',
    );
    expect((await m.fit(d.dataset, { epochs: 1 })).epoch).toEqual([0]);
  });
});
