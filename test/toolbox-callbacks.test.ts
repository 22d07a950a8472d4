// LearningRateScheduler, CSVLogger, LambdaCallback and BackupAndRestore through fit.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackupAndRestore,
  CSVLogger,
  Dense,
  ExponentialDecay,
  LambdaCallback,
  LearningRateScheduler,
  PiecewiseConstantDecay,
  SGD,
  Sequential,
} from '../lib/index.js';
import { X, Y } from './helpers/toolbox-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'myelin-callbacks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function net(optimizer: SGD) {
  const m = new Sequential([
    new Dense(4, {
      inputDim: 3,
      activation: 'tanh',
      kernelInitializer: { className: 'GlorotUniform', config: { seed: 5 } },
    }),
    new Dense(2, { kernelInitializer: { className: 'GlorotUniform', config: { seed: 6 } } }),
  ]);
  m.compile({ loss: 'mse', optimizer });
  return m;
}

describe('LearningRateScheduler', () => {
  it('sets the rate per epoch from (epoch, lr); History records learning_rate; same weights as the per-step schedule', async () => {
    const a = net(new SGD(0.1));
    const seen: [number, number][] = [];
    const scheduler = new LearningRateScheduler((epoch, lr) => {
      seen.push([epoch, lr]);
      return epoch < 2 ? lr : lr * 0.5;
    });
    const h = await a.fit(X, Y, { epochs: 4, batchSize: 6, shuffle: false, verbose: 0, callbacks: [scheduler] });
    expect(seen).toEqual([
      [0, 0.1],
      [1, 0.1],
      [2, 0.1],
      [3, 0.05],
    ]);
    expect(h.history['learning_rate']).toEqual([0.1, 0.1, 0.05, 0.025]);
    // One step per epoch: the same rates as a PiecewiseConstantDecay over steps.
    const b = net(new SGD(new PiecewiseConstantDecay({ boundaries: [1, 2], values: [0.1, 0.05, 0.025] })));
    await b.fit(X, Y, { epochs: 4, batchSize: 6, shuffle: false, verbose: 0 });
    expect(b.getWeights()).toEqual(a.getWeights());
  });

  it('a bad return value or a scheduled optimizer is a clear error', async () => {
    const bad = new LearningRateScheduler(() => NaN);
    await expect(net(new SGD(0.1)).fit(X, Y, { epochs: 1, verbose: 0, callbacks: [bad] })).rejects.toThrow(
      'LearningRateScheduler: the schedule returned number NaN for epoch 0; it must return a finite number > 0',
    );
    const scheduled = net(new SGD(new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 })));
    await expect(
      scheduled.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler((_e, lr) => lr)] }),
    ).rejects.toThrow('SGD: the learning rate is a ExponentialDecay schedule, so it cannot be set');
    expect(() => new LearningRateScheduler(0.1 as never)).toThrow('LearningRateScheduler: schedule must be a function');
    expect(() => new LearningRateScheduler((_e, lr) => lr, 2)).toThrow(
      'LearningRateScheduler: verbose must be 0 or 1, got number 2',
    );
  });
});

describe('CSVLogger', () => {
  it("writes Keras's layout: epoch, sorted keys, val_ columns; append keeps the header", async () => {
    const path = join(tmp, 'log.csv');
    const m = net(new SGD(0.05));
    m.compile({ loss: 'mse', optimizer: new SGD(0.05), metrics: ['mae'] });
    const h = await m.fit(X, Y, {
      epochs: 2,
      batchSize: 3,
      verbose: 0,
      validationData: [X, Y],
      callbacks: [new CSVLogger(path)],
    });
    const rows = (e: number) =>
      [e, h.history['loss']![e], h.history['mae']![e], h.history['val_loss']![e], h.history['val_mae']![e]].join(',');
    expect(readFileSync(path, 'utf8')).toBe(`epoch,loss,mae,val_loss,val_mae\r\n${rows(0)}\r\n${rows(1)}\r\n`);
    const h2 = await m.fit(X, Y, {
      epochs: 1,
      batchSize: 3,
      verbose: 0,
      validationData: [X, Y],
      callbacks: [new CSVLogger(path, { append: true })],
    });
    const lines = readFileSync(path, 'utf8').split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toBe(
      [0, h2.history['loss']![0], h2.history['mae']![0], h2.history['val_loss']![0], h2.history['val_mae']![0]].join(
        ',',
      ),
    );
  });

  it('without validation Keras adds NA val_ columns; the separator is configurable', async () => {
    const path = join(tmp, 'semi.csv');
    const h = await net(new SGD(0.05)).fit(X, Y, {
      epochs: 1,
      verbose: 0,
      callbacks: [new CSVLogger(path, { separator: ';' })],
    });
    expect(readFileSync(path, 'utf8')).toBe(`epoch;loss;val_loss\r\n0;${h.history['loss']![0]};NA\r\n`);
  });

  it('bad options', () => {
    expect(() => new CSVLogger('')).toThrow('CSVLogger: filename must be a non-empty string');
    expect(() => new CSVLogger('a.csv', { separator: ';;' })).toThrow(
      'CSVLogger: separator must be one character other than a quote or a line break, got the string ";;"',
    );
    expect(() => new CSVLogger('a.csv', { sep: ';' } as object)).toThrow("CSVLogger: unknown option 'sep'");
  });
});

describe('LambdaCallback', () => {
  it('calls the functions given, with the epochs and logs of fit', async () => {
    const calls: string[] = [];
    const cb = new LambdaCallback({
      onTrainBegin: () => void calls.push('begin'),
      onEpochBegin: (e) => void calls.push(`epoch ${e}`),
      onEpochEnd: (e, logs) => void calls.push(`end ${e} ${typeof logs['loss']}`),
      onTrainEnd: () => void calls.push('end'),
    });
    await net(new SGD(0.05)).fit(X, Y, { epochs: 2, verbose: 0, callbacks: [cb] });
    expect(calls).toEqual(['begin', 'epoch 0', 'end 0 number', 'epoch 1', 'end 1 number', 'end']);
    expect('onBatchEnd' in cb).toBe(false);
    expect(() => new LambdaCallback({ onEpochEnd: 3 as never })).toThrow(
      'LambdaCallback: onEpochEnd must be a function, got number 3',
    );
    expect(() => new LambdaCallback({ on_epoch_end: () => 0 } as object)).toThrow(
      "LambdaCallback: unknown option 'on_epoch_end'",
    );
  });
});

describe('BackupAndRestore', () => {
  const child = resolve(import.meta.dirname, 'helpers/backup-child.mjs');
  const run = (dir: string, killAfter: number) =>
    spawnSync(process.execPath, [child, dir, String(killAfter)], { encoding: 'utf8', timeout: 120_000 });

  it('a fit killed after epoch 3 resumes at epoch 4 and ends where an uninterrupted fit ends', () => {
    const dir = join(tmp, 'backup');
    const killed = run(dir, 2);
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(dir, 'backup.myelin'))).toBe(true);
    const resumed = run(dir, -1);
    expect(resumed.stderr).toBe('');
    const r = JSON.parse(resumed.stdout) as { epochs: number[]; weights: number[][] };
    expect(r.epochs).toEqual([3, 4, 5]);
    expect(existsSync(dir)).toBe(false); // deleted when fit completed
    const whole = JSON.parse(run(join(tmp, 'backup-whole'), -1).stdout) as { epochs: number[]; weights: number[][] };
    expect(whole.epochs).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.weights).toEqual(whole.weights);
  });

  it('a backup of another architecture is a clear error; bad options', async () => {
    const dir = join(tmp, 'other');
    const m = new Sequential([new Dense(3, { inputDim: 3 }), new Dense(2)]);
    m.compile({ loss: 'mse', optimizer: new SGD(0.1) });
    await m.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir, { deleteCheckpoint: false })] });
    await expect(
      net(new SGD(0.1)).fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir)] }),
    ).rejects.toThrow(
      `BackupAndRestore: cannot resume from ${join(dir, 'backup.myelin')}: its weights have shapes [3x3, 3, 3x2, 2] but this model's are [3x4, 4, 4x2, 2]; delete it to start over`,
    );
    writeFileSync(join(dir, 'backup.myelin'), 'garbage');
    await expect(
      net(new SGD(0.1)).fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir)] }),
    ).rejects.toThrow(`BackupAndRestore: cannot resume from ${join(dir, 'backup.myelin')}`);
    expect(() => new BackupAndRestore('')).toThrow('BackupAndRestore: backupDir must be a non-empty string');
  });
});
