// Callbacks: the hook sequence, EarlyStopping (Keras 3 rules) and ReduceLROnPlateau on scripted
// monitor values, restoreBestWeights, and the verbose output.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Callback,
  Dense,
  EarlyStopping,
  Matrix,
  ReduceLROnPlateau,
  SGD,
  Sequential,
  setSeed,
  type CallbackHooks,
  type Logs,
} from '../lib/index.js';

const X = [
  [0, 1],
  [1, 0],
  [1, 1],
  [0, 0],
  [0.5, 0.2],
  [0.1, 0.9],
];
const Y = [1, 1, 0, 0, 1, 0];

function model(lr = 0.1): Sequential {
  setSeed(7);
  const m = new Sequential([
    new Dense(4, { inputDim: 2, activation: 'tanh' }),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
  m.compile({ loss: 'binary_crossentropy', optimizer: new SGD(lr, 0.9), metrics: ['accuracy'] });
  return m;
}

/** Writes scripted values into the logs as key `score`, before later callbacks read them. */
const script = (values: number[], key = 'score'): CallbackHooks => ({
  onEpochEnd: (epoch: number, logs: Logs) => {
    logs[key] = values[epoch]!;
  },
});

const flat = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(w instanceof Matrix ? w.data : w));

async function stopsAfter(values: number[], es: EarlyStopping, key = 'score'): Promise<number> {
  const h = await model().fit(X, Y, { epochs: values.length, verbose: 0, callbacks: [script(values, key), es] });
  return h.epoch.length;
}

describe('callbacks', () => {
  afterEach(() => vi.restoreAllMocks());

  it('calls hooks in Keras order with the epoch logs; Callback subclasses get the model and params', async () => {
    const calls: string[] = [];
    class Recorder extends Callback {
      override onTrainBegin() {
        calls.push(`trainBegin steps=${this.params.steps} epochs=${this.params.epochs} model=${this.model!.name}`);
      }
      override onEpochBegin(e: number) {
        calls.push(`epochBegin ${e}`);
      }
      override onEpochEnd(e: number, logs: Logs) {
        calls.push(`epochEnd ${e} ${Object.keys(logs).join(',')}`);
      }
      override onTrainEnd() {
        calls.push('trainEnd');
      }
    }
    await model().fit(X, Y, { epochs: 2, batchSize: 4, validationSplit: 0.5, verbose: 0, callbacks: [new Recorder()] });
    expect(calls).toEqual([
      'trainBegin steps=1 epochs=2 model=sequential',
      'epochBegin 0',
      'epochEnd 0 loss,accuracy,val_loss,val_accuracy',
      'epochBegin 1',
      'epochEnd 1 loss,accuracy,val_loss,val_accuracy',
      'trainEnd',
    ]);
  });

  it('EarlyStopping: patience 0 stops at the first epoch without improvement', async () => {
    expect(await stopsAfter([5, 4, 3, 3.5, 2, 1], new EarlyStopping({ monitor: 'score' }))).toBe(4);
  });

  it('EarlyStopping: wait counts epochs since the last improvement', async () => {
    // best at 0, 1, 3; then two epochs without improvement reach patience 2 at epoch 5.
    const es = new EarlyStopping({ monitor: 'score', patience: 2 });
    expect(await stopsAfter([5, 4, 4.5, 3.9, 4.6, 4.7, 3, 2], es)).toBe(6);
    expect(es.stoppedEpoch).toBe(5);
    expect(es.best).toBe(3.9);
    expect(es.bestEpoch).toBe(3);
  });

  it('EarlyStopping: best at epoch 0 and patience 3 runs 4 epochs (the Keras docstring example)', async () => {
    expect(
      await stopsAfter([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], new EarlyStopping({ monitor: 'score', patience: 3 })),
    ).toBe(4);
  });

  it('EarlyStopping: minDelta, mode auto for accuracy keys, and baseline', async () => {
    expect(
      await stopsAfter([1, 0.95, 0.9, 0.5], new EarlyStopping({ monitor: 'score', minDelta: 0.1, patience: 1 })),
    ).toBe(2);
    // '..._accuracy' is maximized: rising values are improvements.
    expect(
      await stopsAfter(
        [0.5, 0.6, 0.7, 0.6],
        new EarlyStopping({ monitor: 'val_accuracy', patience: 0 }),
        'val_accuracy',
      ),
    ).toBe(4);
    // An improvement that does not beat the baseline does not reset wait.
    expect(await stopsAfter([0.8, 0.9, 0.95, 1, 1], new EarlyStopping({ monitor: 'score', patience: 2 }))).toBe(3);
    expect(
      await stopsAfter([0.8, 0.9, 0.95, 1, 1], new EarlyStopping({ monitor: 'score', patience: 2, baseline: 0.5 })),
    ).toBe(2);
  });

  it('EarlyStopping restoreBestWeights restores the best epoch, stopped early or not (Keras 3)', async () => {
    for (const [values, patience, runs] of [
      [[5, 4, 3, 3.5, 3.6, 3.7, 3.8], 2, 5],
      [[5, 4, 3, 3.5, 3.6, 3.7], 10, 6],
    ] as const) {
      const m = model();
      const perEpoch: number[][] = [];
      const h = await m.fit(X, Y, {
        epochs: values.length,
        verbose: 0,
        callbacks: [
          script([...values]),
          { onEpochEnd: () => void perEpoch.push(flat(m)) },
          new EarlyStopping({ monitor: 'score', patience, restoreBestWeights: true }),
        ],
      });
      expect(h.epoch).toHaveLength(runs);
      expect(flat(m)).toEqual(perEpoch[2]);
      expect(flat(m)).not.toEqual(perEpoch[runs - 1]);
    }
  });

  it('EarlyStopping warns once and does not stop when the monitored key is missing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await stopsAfter([1, 2, 3], new EarlyStopping({ monitor: 'val_loss' }))).toBe(3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/'val_loss' is not in the logs; available: loss, accuracy, score/);
  });

  it('ReduceLROnPlateau multiplies the rate after patience epochs, logs it, and the engine uses it', async () => {
    const m = model(0.1);
    const h = await m.fit(X, Y, {
      epochs: 6,
      verbose: 0,
      callbacks: [script([1, 1, 1, 1, 1, 1]), new ReduceLROnPlateau({ monitor: 'score', patience: 2, factor: 0.5 })],
    });
    expect(h.history.learning_rate).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(m.optimizer!.learningRate).toBe(0.025);
  });

  it('a learning rate changed between fits takes effect in the engine', async () => {
    const a = model(0.1);
    a.optimizer!.learningRate = 0.02;
    const b = model(0.02);
    await a.fit(X, Y, { epochs: 2, shuffle: false, verbose: 0 });
    await b.fit(X, Y, { epochs: 2, shuffle: false, verbose: 0 });
    expect(flat(a)).toEqual(flat(b));
  });

  it('verbose 2 prints one line per epoch; verbose 1 off a TTY prints plain lines', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    await model().fit(X, Y, { epochs: 3, batchSize: 2, verbose: 2 });
    const lines2 = out.join('').split('\n').filter(Boolean);
    expect(lines2).toHaveLength(3);
    expect(lines2[0]).toMatch(/^Epoch 1\/3 - 3\/3 - \d+s - \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
    out.length = 0;
    await model().fit(X, Y, { epochs: 2, batchSize: 2, verbose: 1 });
    const lines1 = out.join('').split('\n').filter(Boolean);
    expect(lines1[0]).toBe('Epoch 1/2');
    expect(lines1[1]).toMatch(/^3\/3 ━{20} \d+s \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
    expect(lines1).toHaveLength(4);
  });

  it("onBatchEnd sees each epoch's last batch with the epoch's loss, however short the epoch", async () => {
    const seen: [number, number][] = [];
    const m = model();
    const h = await m.fit(X, Y, {
      epochs: 3,
      batchSize: 4,
      verbose: 0,
      callbacks: [{ onBatchEnd: (b, l) => void seen.push([b, l.loss!]) }],
    });
    // 6 rows in batches of 4: batch 1 (0-based) ends each epoch; its running loss is the epoch's mean.
    expect(seen.filter(([b]) => b === 1).map(([, loss]) => loss)).toEqual(h.history.loss);
    const boom = new Error('boom');
    await expect(
      m.fit(X, Y, { epochs: 3, verbose: 0, callbacks: [{ onBatchEnd: () => Promise.reject(boom) }] }),
    ).rejects.toBe(boom);
    expect(m.epochsTrained).toBe(1); // stopped after the epoch whose batch hook failed
    expect((await m.fit(X, Y, { epochs: 1, verbose: 0 })).epoch).toEqual([0]);
  });

  it('Keras hooks myelin does not call are refused, not silently skipped', async () => {
    const m = model();
    await expect(
      m.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [{ onBatchBegin: () => {} } as CallbackHooks] }),
    ).rejects.toThrow(
      'fit: callbacks[0].onBatchBegin is a Keras hook myelin does not call (batches run natively); it calls onTrainBegin, onTrainEnd, onEpochBegin, onEpochEnd, onBatchEnd',
    );
    class Tester extends Callback {
      onTestEnd() {}
    }
    await expect(m.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new Tester()] })).rejects.toThrow(
      'callbacks[0].onTestEnd is a Keras hook',
    );
  });
});
