import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense, Matrix, ModelCheckpoint, SGD, Sequential, loadModel, setSeed } from '../lib/index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'myelin-ckpt-'));

function problem() {
  const x = new Matrix(40, 2);
  const y = new Matrix(40, 1);
  for (let i = 0; i < 40; i++) {
    x.data.set([Math.sin(i), Math.cos(i * 1.3)], 2 * i);
    y.data[i] = Math.sin(i) + Math.cos(i * 1.3) > 0 ? 1 : 0;
  }
  const m = new Sequential([
    new Dense(4, { inputDim: 2, activation: 'tanh' }),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
  // A large step so val_loss goes up and down: saveBestOnly has something to skip.
  m.compile({ loss: 'binary_crossentropy', optimizer: new SGD(2.5, 0.9), metrics: ['accuracy'] });
  return { x, y, m };
}

describe('ModelCheckpoint', () => {
  it('saveBestOnly writes exactly the epochs where val_loss improved, named by {epoch:02d} and {val_loss:.4f}', async () => {
    setSeed(21);
    const { x, y, m } = problem();
    const dir = tmp();
    const ckpt = new ModelCheckpoint({
      filepath: join(dir, 'sub', 'm-{epoch:02d}-{val_loss:.4f}.myelin'),
      saveBestOnly: true,
    });
    const h = await m.fit(x, y, { epochs: 12, batchSize: 8, validationSplit: 0.25, verbose: 0, callbacks: [ckpt] });
    const val = h.history['val_loss']!;
    const expected: string[] = [];
    let best = Infinity;
    val.forEach((v, e) => {
      if (v < best) {
        best = v;
        expected.push(`m-${String(e + 1).padStart(2, '0')}-${v.toFixed(4)}.myelin`);
      }
    });
    expect(expected.length).toBeLessThan(12); // the run did get worse at times
    expect(readdirSync(join(dir, 'sub')).sort()).toEqual(expected.sort());
    expect(ckpt.best).toBe(Math.min(...val));
    // The last file holds the best epoch's model: its epoch count and its validation loss.
    const bestModel = await loadModel(ckpt.lastSaved!);
    const bestEpoch = val.indexOf(Math.min(...val)) + 1;
    expect(bestModel.epochsTrained).toBe(bestEpoch);
    const [vl] = await bestModel.evaluate(x.sliceRows(30, 40), y.sliceRows(30, 40));
    expect(vl).toBeCloseTo(Math.min(...val), 5);
  });

  it('without saveBestOnly it saves every period epochs; mode auto maximizes accuracies', async () => {
    setSeed(22);
    const { x, y, m } = problem();
    const dir = tmp();
    await m.fit(x, y, {
      epochs: 6,
      verbose: 0,
      callbacks: [new ModelCheckpoint({ filepath: join(dir, 'e{epoch}.myelin'), period: 2 })],
    });
    expect(readdirSync(dir).sort()).toEqual(['e2.myelin', 'e4.myelin', 'e6.myelin']);
    expect((await loadModel(join(dir, 'e6.myelin'))).predict(x).data).toEqual(m.predict(x).data);
    expect(new ModelCheckpoint({ filepath: 'a', monitor: 'val_accuracy' }).mode).toBe('max');
    expect(new ModelCheckpoint({ filepath: 'a' }).mode).toBe('min');
  });

  it('a checkpoint taken mid-run resumes to the same weights as the uninterrupted run (crash recovery)', async () => {
    const dir = tmp();
    setSeed(24);
    const a = problem();
    await a.m.fit(a.x, a.y, { epochs: 8, batchSize: 8, verbose: 0 });
    setSeed(24);
    const b = problem();
    await b.m.fit(b.x, b.y, {
      epochs: 8,
      batchSize: 8,
      verbose: 0,
      callbacks: [new ModelCheckpoint({ filepath: join(dir, 'e{epoch}.myelin') })],
    });
    const restored = await loadModel(join(dir, 'e5.myelin')); // as if the process died after epoch 5
    expect(restored.epochsTrained).toBe(5);
    await restored.fit(b.x, b.y, { epochs: 8, initialEpoch: restored.epochsTrained, batchSize: 8, verbose: 0 });
    expect(restored.predict(a.x).data).toEqual(a.m.predict(a.x).data);
    expect(restored.getOptimizerState()).toEqual(a.m.getOptimizerState());
  });

  it('clear errors: a monitor that is not logged, an unknown placeholder, a bad spec', async () => {
    setSeed(23);
    const { x, y, m } = problem();
    const dir = tmp();
    await expect(
      m.fit(x, y, {
        epochs: 2,
        verbose: 0,
        callbacks: [new ModelCheckpoint({ filepath: join(dir, 'b.myelin'), saveBestOnly: true })],
      }),
    ).rejects.toThrow(
      "ModelCheckpoint: monitor 'val_loss' is not in the logs (loss, accuracy); pass validationData or validationSplit to fit, or choose another monitor",
    );
    await expect(
      m.fit(x, y, {
        epochs: 1,
        verbose: 0,
        callbacks: [new ModelCheckpoint({ filepath: join(dir, '{val_loss}.myelin') })],
      }),
    ).rejects.toThrow(
      /ModelCheckpoint: filepath .* uses \{val_loss\}, which is not available; available: \{epoch\}, \{loss\}, \{accuracy\}/,
    );
    expect(() => new ModelCheckpoint({ filepath: 'm{epoch:x}' })).toThrow(/unsupported format spec ":x"/);
  });
});
