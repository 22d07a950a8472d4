// `myelin explain` end to end in child processes: a model trained by `myelin train` on house prices
// (price = 1500·size + 8000·rooms − 900·age + noise), explained with plots and per-row values.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense, Sequential } from '../lib/index.js';
import { seeded } from './helpers/explain-nets.js';
import { housesCsv, myelin, oneLine } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-cli-explain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (f: string) => join(dir, f);

describe('myelin explain', () => {
  beforeAll(() => {
    writeFileSync(path('houses.csv'), housesCsv(400, 3));
    writeFileSync(path('houses-new.csv'), housesCsv(40, 4));
    const r = myelin(
      ['train', path('houses.csv'), '--target', 'price', '--epochs', '150', '--out', path('houses.myelin'), '--quiet'],
      dir,
    );
    expect(r.code).toBe(0);
  });

  it('ranks the features by mean |SHAP value| and writes plots and per-row values that add up to the predictions', () => {
    const r = myelin(
      [
        'explain',
        path('houses.myelin'),
        path('houses-new.csv'),
        '--background',
        '30',
        '--plots',
        path('plots'),
        '--out',
        path('shap.csv'),
        '--json',
      ],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ method: 'deep', rows: 40, background: 30 });
    expect(j.outputs).toHaveLength(1);
    expect(j.outputs[0].name).toBe('price');
    // size spans 160 m² at 1500 each, age 80 years at 900, rooms 5 at 8000
    expect(j.outputs[0].features.map((f: { name: string }) => f.name)).toEqual(['size', 'age', 'rooms']);
    const plots = readdirSync(path('plots'));
    expect(plots).toHaveLength(1);
    expect(plots[0]).toMatch(/^shap-summary\.(png|svg)$/);

    const lines = readFileSync(path('shap.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,output,size,rooms,age');
    expect(lines).toHaveLength(41);
    const p = myelin(['predict', path('houses.myelin'), path('houses-new.csv')], dir);
    const predictions = p.stdout.trim().split('\n').slice(1).map(Number);
    lines.slice(1).forEach((line, i) => {
      const v = line.split(',').slice(2).map(Number);
      const total = j.outputs[0].expectedValue + v.reduce((a, b) => a + b, 0);
      expect(Math.abs(total - predictions[i]!) / Math.abs(predictions[i]!)).toBeLessThan(1e-4);
    });
  });

  it('explains with Kernel SHAP and prints a table', () => {
    const r = myelin(
      [
        'explain',
        path('houses.myelin'),
        path('houses-new.csv'),
        '--method',
        'kernel',
        '--background',
        '20',
        '--rows',
        '5',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^price: expected value [\d.e+]+ \(mean output over the background\)\n {2}feature +mean \|SHAP\|\n {2}size /,
    );
    expect(r.stderr).toContain('explaining 5 rows against 20 background rows (KernelExplainer)');
  });

  it("names the features from the file's header for a model saved from code", async () => {
    const model = new Sequential();
    model.add(new Dense(4, { inputDim: 3, activation: 'tanh' }));
    model.add(new Dense(1));
    model.setWeights([
      [
        [2, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 1, 0],
      ],
      [0, 0, 0, 0],
      [[1], [0], [1], [0]],
      [0],
    ]);
    await model.save(path('code.myelin'));
    const r = seeded(9);
    writeFileSync(
      path('abc.csv'),
      'alpha,beta,gamma\n' +
        Array.from({ length: 30 }, () => [r(), r(), r()].map((v) => v.toFixed(3)).join(',')).join('\n') +
        '\n',
    );
    const out = myelin(['explain', path('code.myelin'), path('abc.csv'), '--json'], dir);
    expect(out.code).toBe(0);
    const features = JSON.parse(out.stdout).outputs[0].features;
    // beta never reaches the output: exactly 0
    expect(features.map((f: { name: string }) => f.name)).toEqual(['alpha', 'gamma', 'beta']);
    expect(features[2].meanAbsShap).toBe(0);
  });

  it('rejects bad arguments with one clear line', () => {
    const bad = myelin(['explain', path('houses.myelin'), path('houses-new.csv'), '--background', '0'], dir);
    expect(bad.code).toBe(2);
    expect(oneLine(bad)).toMatch(/--background must be an integer >= 1, got "0"/);
    const method = myelin(['explain', path('houses.myelin'), path('houses-new.csv'), '--method', 'lime'], dir);
    expect(oneLine(method)).toMatch(/--method must be one of deep, kernel; got "lime"/);
    writeFileSync(path('narrow.csv'), 'size,rooms\n50,2\n');
    const narrow = myelin(['explain', path('houses.myelin'), path('narrow.csv')], dir);
    expect(narrow.code).toBe(1);
    expect(oneLine(narrow)).toMatch(/age/);
  });
});
