// A model's Preprocessor exported as ONNX nodes: onnxruntime, fed raw columns (numbers with NaN, text
// with "" for missing, unseen categories), gives what model.predict gives on the same raw rows.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Dense, Preprocessor, Sequential, loadModel, setSeed, type Cell } from '../lib/index.js';
import { seededRandom } from '../lib/random.js';
import { maxRelDiff, python, pythonOnnxMissing } from './helpers/onnx.js';

const NAMES = ['a', 'b', 'color', 'size', 'n'];
const r = seededRandom(4);
const colors = ['red', 'green', 'blue', 'NA-ish'];
const train: Cell[][] = Array.from({ length: 120 }, (_, i) => [
  i % 9 === 0 ? null : +(r() * 10 - 5).toFixed(2),
  i % 13 === 0 ? null : Math.floor(r() * 50),
  i % 7 === 0 ? null : colors[Math.floor(r() * 4)]!,
  ['S', 'M', 'L'][i % 3]!,
  [1, 2, 5][Math.floor(r() * 3)]!, // numbers declared categorical
]);
const fresh: Cell[][] = [
  [1.5, 20, 'red', 'M', 2],
  [null, null, null, null, null], // every cell missing
  [-3, 7, 'purple', 'XL', 4], // unseen categories
  [0.25, 49, 'NA-ish', 'S', 5],
  [null, 3, 'blue', 'L', null],
];

async function ortRun(bytes: Uint8Array, rows: Cell[][], names: string[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const j = names.indexOf(name);
      const meta = session.inputMetadata.find((m) => m.name === name) as { type?: string } | undefined;
      if (meta?.type === 'string')
        feeds[name] = new ort.Tensor(
          'string',
          rows.map((row) => (row[j] === null ? '' : String(row[j]))),
          [rows.length, 1],
        );
      else
        feeds[name] = new ort.Tensor(
          'float32',
          Float32Array.from(rows, (row) => (row[j] === null ? NaN : Number(row[j]))),
          [rows.length, 1],
        );
    }
    const out = await session.run(feeds);
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function network(pre: Preprocessor, units: number, activation: 'softmax' | 'linear'): Sequential {
  setSeed(5);
  const m = new Sequential([
    new Dense(8, { inputDim: pre.nFeatures, activation: 'tanh' }),
    new Dense(units, { activation }),
  ]);
  m.setPreprocessing(pre);
  return m;
}

describe('ONNX export of the preprocessing pipeline (imputer → one-hot → scaler)', () => {
  it('raw columns with text and missing cells: onnxruntime matches model.predict', async () => {
    const pre = new Preprocessor({ categorical: ['n'] }).fit(train, NAMES);
    expect(pre.nFeatures).toBe(2 + 4 + 3 + 3);
    for (const [units, act] of [
      [3, 'softmax'],
      [1, 'linear'],
    ] as const) {
      const m = network(pre, units, act);
      const bytes = m.toBuffer({ format: 'onnx' });
      const want = m.predict(fresh).data;
      const got = await ortRun(bytes, fresh, NAMES);
      expect(maxRelDiff(got, want)).toBeLessThan(1e-5);
      // The training rows too (every category, every missing pattern).
      expect(maxRelDiff(await ortRun(bytes, train, NAMES), m.predict(train).data)).toBeLessThan(1e-5);
    }
  });

  it('loadModel reads the file back: the same Preprocessor, the same predictions on raw rows', async () => {
    const pre = new Preprocessor({ categorical: ['n'], impute: 'median' }).fit(train, NAMES);
    const m = network(pre, 3, 'softmax');
    const file = join(mkdtempSync(join(tmpdir(), 'myelin-onnx-pre-')), 'm.onnx');
    await m.save(file);
    const back = await loadModel(file);
    expect((back.preprocessing as Preprocessor).toJSON()).toEqual(pre.toJSON());
    expect(maxRelDiff(back.predict(fresh).data, m.predict(fresh).data)).toBeLessThan(1e-6);
  });

  it('numeric categories float32 cannot merge (16777216, 16777217) take text, and match model.predict', async () => {
    // as float keys they were one value twice in the LabelEncoder: a float input cannot say which it is
    const rows: Cell[][] = Array.from({ length: 30 }, (_, i) => [(i % 5) - 2, 16777216 + (i % 3)]);
    const pre = new Preprocessor({ categorical: ['zip'] }).fit(rows, ['a', 'zip']);
    expect(pre.columns[1]).toMatchObject({ categories: ['16777216', '16777217', '16777218'] });
    const m = network(pre, 1, 'linear');
    const bytes = m.toBuffer({ format: 'onnx' });
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputMetadata.map((i) => (i as { type?: string }).type)).toEqual(['float32', 'string']);
    await session.release();
    const ask: Cell[][] = [
      [0, 16777217],
      [1, 16777216],
      [-1, 16777218],
    ];
    expect(maxRelDiff(await ortRun(bytes, ask, ['a', 'zip']), m.predict(ask).data)).toBeLessThan(1e-5);
    expect(new Set(m.predict(ask).data).size).toBe(3);
  });

  it('numbers only: one input x [batch, n] with NaN for missing cells, imputed in the graph', async () => {
    const rows = train.map((row) => [row[0]!, row[1]!] as Cell[]);
    const pre = new Preprocessor().fit(rows, ['a', 'b']);
    const m = network(pre, 1, 'linear');
    const session = await ort.InferenceSession.create(m.toBuffer({ format: 'onnx' }));
    expect(session.inputNames).toEqual(['x']);
    const x = Float32Array.from(fresh.flatMap((row) => [row[0], row[1]].map((v) => (v === null ? NaN : Number(v)))));
    const out = await session.run({ x: new ort.Tensor('float32', x, [fresh.length, 2]) });
    await session.release();
    expect(
      maxRelDiff(out.y!.data as Float32Array, m.predict(fresh.map((row) => [row[0]!, row[1]!])).data),
    ).toBeLessThan(1e-5);
  });

  it("Debian's onnx checker accepts the file (ai.onnx.ml opset 3 for the text columns)", ({ skip }) => {
    const why = pythonOnnxMissing();
    if (why) skip(why);
    const m = network(new Preprocessor().fit(train, NAMES), 1, 'linear');
    const file = join(mkdtempSync(join(tmpdir(), 'myelin-onnx-pre-')), 'm.onnx');
    writeFileSync(file, m.toBuffer({ format: 'onnx' }));
    const out = python(
      'import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\n' +
        'print(",".join(i.name for i in m.graph.input))',
      [file],
    );
    expect(out.trim()).toBe(NAMES.join(','));
  });

  it('a column named like a tensor of the graph is a clear error', () => {
    const pre = new Preprocessor().fit(train, ['a', 'b', 'color', 'size', 'y']);
    expect(() => network(pre, 1, 'linear').toBuffer({ format: 'onnx' })).toThrow(
      /column "y" has the name of another tensor/,
    );
  });
});
