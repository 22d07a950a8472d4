import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, Preprocessor, Sequential, csvDataset, readCsv, setSeed, streamStatistics } from '../lib/index.js';
import { seededRandom } from '../lib/random.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r = seededRandom(11);
const rows = Array.from({ length: 203 }, (_, i) => {
  const a = +(r() * 10 - 5).toFixed(2),
    color = ['red', 'green', 'blue'][i % 3]!;
  return {
    a: i % 17 === 0 ? null : a,
    b: 1000 + (i % 9),
    color: i % 23 === 0 ? null : color,
    y: +(2 * a + (color === 'red' ? 3 : 0)).toFixed(3),
  };
});
const csv = join(dir, 't.csv');
writeFileSync(csv, `a,b,color,y\n${rows.map((o) => `${o.a ?? 'NA'},${o.b},${o.color ?? ''},${o.y}`).join('\n')}\n`);
const jsonl = join(dir, 't.jsonl');
writeFileSync(jsonl, `${rows.map((o) => JSON.stringify(o)).join('\n')}\n`);

describe('csvDataset and streamStatistics', () => {
  it('one streaming pass gives the Preprocessor that fitting on the whole table gives (CSV and JSON Lines)', async () => {
    const whole = new Preprocessor().fit(await readCsv(csv, { target: 'y', missing: true, categorical: true }));
    for (const file of [csv, jsonl]) {
      const { rows: n, preprocessor } = await streamStatistics(csvDataset(file, { target: 'y', batchSize: 16 }));
      expect(n).toBe(203);
      const a = preprocessor.toJSON().config,
        b = whole.toJSON().config;
      expect(a.columns.map((c) => ({ ...c, fill: typeof c.fill === 'number' ? +c.fill.toFixed(4) : c.fill }))).toEqual(
        b.columns.map((c) => ({ ...c, fill: typeof c.fill === 'number' ? +c.fill.toFixed(4) : c.fill })),
      );
      a.scale!.mean.forEach((v, j) => expect(v).toBeCloseTo(b.scale!.mean[j]!, 4));
      a.scale!.std.forEach((v, j) => expect(v).toBeCloseTo(b.scale!.std[j]!, 4));
    }
  });

  it('every pass yields every row once (with a shuffle buffer too), and fit learns from the stream', async () => {
    for (const shuffleBuffer of [0, 50]) {
      const ds = csvDataset(csv, { target: 'y', batchSize: 40, shuffleBuffer, seed: 1 });
      for (let pass = 0; pass < 2; pass++) {
        const ys: number[] = [];
        for await (const b of ds) ys.push(...b.y);
        expect(ys.sort((p, q) => p - q)).toEqual(rows.map((o) => Math.fround(o.y)).sort((p, q) => p - q));
      }
    }
    setSeed(2);
    const ds = csvDataset(csv, { target: 'y', batchSize: 64, shuffleBuffer: 128 });
    const { preprocessor } = await streamStatistics(ds);
    const m = new Sequential([new Dense(16, { inputDim: preprocessor.nFeatures, activation: 'relu' }), new Dense(1)]);
    m.setPreprocessing(preprocessor);
    m.compile({ loss: 'mse', optimizer: 'adam' });
    m.optimizer!.learningRate = 0.01;
    const h = await m.fit(ds, { epochs: 60, batchSize: 16 });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]! / 10);
    const p = m.predict([{ a: 1, b: 1004, color: 'red' }]).data[0]!;
    expect(p).toBeGreaterThan(3);
    expect(p).toBeLessThan(7);
  });

  it('names what is wrong: no target, a bad batch size, a text target without classNames', async () => {
    expect(() => csvDataset(csv, {} as never)).toThrow(/options\.target .* is required/);
    expect(() => csvDataset(csv, { target: 'y', batchSize: 0 })).toThrow(
      /batchSize must be an integer >= 1, got number 0|batchSize must be an integer >= 1/,
    );
    const it = csvDataset(csv, { target: 'color' })[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toThrow(/target "red" is not a number|is not a number/);
  });
});
