// The CLI on every model format: predict and summary read ONNX as they read myelin's files (metadata
// carries the CLI's notes), and export converts between them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense, Matrix, Sequential, StandardScaler, loadModel, setSeed } from '../lib/index.js';
import { myelin } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-cli-formats-'));
const path = (f: string) => join(dir, f);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = Array.from({ length: 12 }, (_, i) => [i * 10 + 3, (i % 4) - 1.5, Math.sin(i)]);

beforeAll(async () => {
  // A classifier saved from code, with the notes `myelin train` would write, in both formats.
  setSeed(5);
  const m = new Sequential([
    new Dense(8, { inputDim: 3, activation: 'tanh' }),
    new Dense(3, { activation: 'softmax' }),
  ]);
  m.setPreprocessing(new StandardScaler().fit(Matrix.from(rows)));
  m.metadata = { task: 'classification', featureNames: ['size', 'offset', 'wave'], classNames: ['low', 'mid', 'high'] };
  await m.save(path('m.myelin'));
  await m.save(path('m.onnx'));
  // Columns in another order, and an extra one: read by name.
  writeFileSync(path('new.csv'), `wave,extra,size,offset\n${rows.map(([s, o, w]) => `${w},0,${s},${o}`).join('\n')}\n`);
});

describe('myelin on ONNX files', () => {
  it('predict gives the same classes and probabilities from the ONNX file as from the myelin file', () => {
    const a = myelin(['predict', path('m.myelin'), path('new.csv')]);
    const b = myelin(['predict', path('m.onnx'), path('new.csv')]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.stdout.split('\n')[0]).toBe('prediction,probability_low,probability_mid,probability_high');
    expect(b.stdout).toBe(a.stdout);
    expect(b.stdout.trim().split('\n')).toHaveLength(13);
  });

  it('summary names the format and shows the notes and preprocessing', () => {
    const s = myelin(['summary', path('m.onnx')]);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/File: .*m\.onnx \(ONNX \(\.onnx\)\)/);
    expect(s.stdout).toMatch(/Features \(3\): size, offset, wave/);
    expect(s.stdout).toMatch(/Classes \(3\): low, mid, high/);
    expect(s.stdout).toMatch(/Preprocessing: StandardScaler/);
    const j = JSON.parse(myelin(['summary', path('m.myelin'), '--json']).stdout);
    expect(j).toMatchObject({ format: 'myelin', task: 'classification', params: 59 });
  });

  it('export converts myelin → ONNX → myelin, keeping weights, scaler and metadata', async () => {
    const e = myelin(['export', path('m.myelin'), '--to', path('out.onnx'), '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ fromFormat: 'myelin', format: 'onnx' });
    expect(myelin(['export', path('out.onnx'), '--to', path('back.myelin')]).code).toBe(0);
    const [original, back] = await Promise.all([loadModel(path('m.myelin')), loadModel(path('back.myelin'))]);
    expect(back.predict(Matrix.from(rows)).data).toEqual(original.predict(Matrix.from(rows)).data);
    expect(back.metadata).toEqual(original.metadata);
  });

  it('export explains its mistakes', () => {
    const r = myelin(['export', path('m.myelin')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--to FILE is required/);
    writeFileSync(path('junk.onnx'), 'not a model');
    const j = myelin(['export', path('junk.onnx'), '--to', path('x.myelin')]);
    expect(j.code).toBe(1);
    expect(j.stderr).toMatch(/junk\.onnx: not a model file myelin reads/);
  });
});
