// Parquet and JSON Lines tables (test/fixtures/make_tables.mjs), and exact streaming medians, against
// numpy and scikit-learn (test/fixtures/make_tables.py); then `myelin train` on the same files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Matrix,
  Preprocessor,
  csvDataset,
  loadModel,
  readCsv,
  streamStatistics,
  type PreprocessorColumn,
  type TableBatch,
} from '../lib/index.js';
import { seededRandom } from '../lib/random.js';
import { partOf } from '../lib/cli/train-stream.js';
import { myelin } from './helpers/cli.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'tables');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8'));
const files = ['mixed.csv', 'mixed.jsonl', 'mixed.parquet'].map((f) => join(fixtures, f));
const dir = mkdtempSync(join(tmpdir(), 'myelin-table-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function checkStatistics(cols: PreprocessorColumn[], scale: { mean: number[]; std: number[] }, impute: string): void {
  const want = expected[impute];
  expect(cols.map((c) => c.name)).toEqual(['a', 'b', 'color', 'city']);
  cols.slice(0, 2).forEach((c, j) => expect(c.fill).toBeCloseTo(want.fill[j], 5));
  for (const c of cols.slice(2)) {
    expect(c.type).toBe('category');
    expect(c).toMatchObject({ categories: expected[c.name].categories, fill: expected[c.name].fill });
  }
  want.scaleMean.forEach((m: number, j: number) => expect(scale.mean[j]).toBeCloseTo(m, 5));
  want.scaleStd.forEach((s: number, j: number) => expect(scale.std[j]).toBeCloseTo(s, 5));
}

describe('Parquet and JSON Lines', () => {
  it('csvDataset reads the three files alike: missing numbers and text, quoted text, dropped targets', async () => {
    expect(expected.city.categories).toEqual(['Lyon', 'Paris, TX', 'say "hi"']);
    for (const file of files)
      for (const impute of ['mean', 'median'] as const) {
        const { rows, preprocessor } = await streamStatistics(csvDataset(file, { target: 'y', batchSize: 16 }), {
          impute,
        });
        expect(rows, file).toBe(expected.rows);
        const c = preprocessor.toJSON().config;
        expect(c.impute).toBe(impute);
        checkStatistics(c.columns, c.scale!, impute);
      }
  });

  it('streamed median imputation equals Preprocessor.fit on the whole table', async () => {
    const whole = new Preprocessor({ impute: 'median' }).fit(
      await readCsv(files[0]!, { target: 'y', missing: true, categorical: true, missingTarget: 'drop' }),
    );
    const { preprocessor } = await streamStatistics(csvDataset(files[2]!, { target: 'y', batchSize: 7 }), {
      impute: 'median',
    });
    expect(preprocessor.toJSON().config.columns).toEqual(whole.toJSON().config.columns);
  });

  it('a file that is not Parquet, and a JSON line that is not an object, are named errors', async () => {
    const first = (f: string) => csvDataset(f, { target: 'y' })[Symbol.asyncIterator]().next();
    await expect(first(files[0]!.replace('.csv', '.jsonl').replace('mixed', 'expected'))).rejects.toThrow(
      /expected\.jsonl|no such file/,
    );
    const { writeFileSync } = await import('node:fs');
    const bad = join(dir, 'bad.parquet');
    writeFileSync(bad, 'a,b\n1,2\n');
    await expect(first(bad)).rejects.toThrow(/bad\.parquet is not a Parquet file/);
    const lines = join(dir, 'bad.jsonl');
    writeFileSync(lines, '{"a": 1, "y": 2}\n[1, 2]\n');
    await expect(first(lines)).rejects.toThrow(/bad\.jsonl line 2 must be a JSON object/);
    writeFileSync(lines, '{"a": 1, "y": 2}\n{"y": 3}\n{"a": 2, "y": 4, "b": 5}\n');
    await expect(first(lines)).rejects.toThrow(/bad\.jsonl line 3 has the key "b", which the first object lacks/);
  });
});

describe('exact streaming medians', () => {
  it('equal the sorted middle on wide tables (more passes), negatives, ties, zeros and missing cells', async () => {
    const r = seededRandom(3);
    for (const [rows, cols] of [
      [1001, 3],
      [600, 300],
    ] as const) {
      const data = Float32Array.from({ length: rows * cols }, (_, i) => {
        const j = i % cols;
        const u = r();
        if (u < 0.05) return NaN;
        if (j % 4 === 0) return Math.round(u * 6) - 3; // ties and zeros
        if (j % 4 === 1) return (u - 0.7) * 1e-30; // tiny, mostly negative
        return (u - 0.5) * 10 ** ((j % 7) - 3);
      });
      const batches: AsyncIterable<TableBatch> = {
        async *[Symbol.asyncIterator]() {
          for (let s = 0; s < rows; s += 128) {
            const n = Math.min(128, rows - s);
            yield { x: { x: new Matrix(n, cols, data.slice(s * cols, (s + n) * cols)) }, y: new Float32Array(n) };
          }
        },
      };
      const { preprocessor } = await streamStatistics(batches, { impute: 'median' });
      const fills = preprocessor.columns.map((c) => c.fill as number);
      for (let j = 0; j < cols; j++) {
        const v = Array.from({ length: rows }, (_, i) => data[i * cols + j]!)
          .filter((x) => x === x)
          .sort((p, q) => p - q);
        const h = v.length >> 1;
        expect(fills[j]).toBe(v.length % 2 ? v[h] : (v[h - 1]! + v[h]!) / 2);
      }
    }
  });
});

describe('myelin train on Parquet and JSON Lines', () => {
  it('in memory and streamed (--memory), with --impute median; predict takes the JSON Lines file', async () => {
    for (const memory of [[], ['--memory', '1KB']]) {
      const model = join(dir, `m${memory.length}.myelin`);
      const r = myelin([
        'train',
        files[2]!,
        '--target',
        'y',
        '--impute',
        'median',
        '--epochs',
        '20',
        '--json',
        '-o',
        model,
        ...memory,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.features).toEqual(['a', 'b', 'color', 'city']);
      if (!memory.length) {
        expect(j.rows.dropped.missingTarget).toBe(90 - expected.rows);
        expect(j.missing).toEqual({ ...expected.missing, color: expected.color.missing });
        expect(j.categorical).toEqual({ color: 3, city: 3 });
      } else expect(j.streamed).toBe(true);
      const m = await loadModel(model);
      const cols = (m.preprocessing as Preprocessor).columns;
      // Streamed: the median of the training part only; in memory: of the training split.
      expect(cols.map((c) => c.type)).toEqual(['number', 'number', 'category', 'category']);
      if (memory.length) {
        // The median of the streamed training rows (rows split by partOf, seed 1), by sorting them here.
        const csv = readFileSync(files[0]!, 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(','));
        const a = csv
          .filter((c, i) => partOf(i, 1, { val: 0.2, test: 0.2 }) === 'train' && c.at(-1) !== 'NA' && c[0] !== 'NA')
          .map((c) => Math.fround(Number(c[0])))
          .sort((p, q) => p - q);
        const h = a.length >> 1;
        expect(cols[0]!.fill).toBe(a.length % 2 ? a[h] : (a[h - 1]! + a[h]!) / 2);
      }
      const p = myelin(['predict', model, files[1]!, '--keep', 'city']);
      expect(p.code, p.stderr).toBe(0);
      const lines = p.stdout.trim().split('\n');
      expect(lines.length).toBe(91);
      expect(lines[2]).toMatch(/^"Paris, TX",-?\d/);
      if (memory.length) continue;
      // ONNX carries the preprocessing (predict reads it back); Keras does not, and export says so.
      const onnx = join(dir, 'm.onnx');
      expect(myelin(['export', model, '--to', onnx]).code).toBe(0);
      expect(myelin(['predict', onnx, files[1]!, '--keep', 'city']).stdout).toBe(p.stdout);
      const keras = myelin(['export', model, '--to', join(dir, 'm.keras')]);
      expect(keras.code).toBe(0);
      expect(keras.stderr).toMatch(/Keras does not apply the model's preprocessing/);
    }
  });
});
