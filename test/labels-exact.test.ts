// Class labels and categories that float32 cannot hold apart (integers above 2^24: 16777217 is 16777216
// in float32) stay apart, as sklearn's LabelEncoder keeps them, or are refused naming the column and value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OneHotEncoder, parseCsv, Preprocessor } from '../lib/index.js';
import { myelin, trainReport } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-labels-'));
const A = 16777216;
const B = 16777217; // float32: 16777216

/** 60 rows: x decides the class; the labels are ids above 2^24. */
function labelledCsv(labels: [string, string]): string {
  let s = 'x,noise,label\n';
  for (let i = 0; i < 60; i++) s += `${i % 2},${(i * 7) % 10},${labels[i % 2]}\n`;
  return s;
}

describe('a numeric target as class labels', () => {
  it("readCsv's targetLabels keeps every value, whatever its spelling, where y (float32) merges them", () => {
    const csv = parseCsv(`x,label\n1,${B}\n2,${A}\n3,${B}.0\n4,20000001\n5,${A}\n`, { target: 'label' });
    expect(Array.from(csv.y!)).toEqual([A, A, A, 20000000, A]);
    expect(csv.targetLabels).toEqual({
      y: Int32Array.from([1, 0, 1, 2, 0]),
      classNames: [String(A), String(B), '20000001'],
    });
    // a regression target with more than 65,536 values has none; a text target has classNames instead
    expect(parseCsv('x,label\n1,a\n2,b\n', { target: 'label' }).targetLabels).toBeUndefined();
  });

  it('myelin train: two classes 16777216 and 16777217 (it was "a single value (16777216)")', () => {
    const data = join(dir, 'ids.csv');
    writeFileSync(data, labelledCsv([String(A), String(B)]));
    const r = myelin(['train', data, '--target', 'label', '--epochs', '60', '-o', join(dir, 'ids.myelin'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.task).toBe('classification');
    expect(j.classNames).toEqual([String(A), String(B)]);
    const rows = join(dir, 'rows.csv');
    writeFileSync(rows, 'x,noise\n0,3\n1,3\n');
    const p = myelin(['predict', join(dir, 'ids.myelin'), rows]);
    expect(p.code, p.stderr).toBe(0);
    expect(
      p.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual([String(A), String(B)]);
    // evaluate reads the labels back by name, "16777217.0" too
    writeFileSync(rows, `x,noise,label\n0,3,${A}\n1,3,${B}.0\n`);
    const e = myelin(['evaluate', join(dir, 'ids.myelin'), rows, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).scores.confusionMatrix).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('myelin train --memory (streamed) too', () => {
    const data = join(dir, 'ids-streamed.csv');
    writeFileSync(data, labelledCsv([String(B), '16777219']));
    const r = myelin([
      ...['train', data, '--target', 'label', '--epochs', '30', '--memory', '1KB'],
      ...['-o', join(dir, 'ids-streamed.myelin'), '--json'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.task).toBe('classification');
    expect(j.classNames).toEqual([String(B), '16777219']); // float32: 16777216 and 16777220
  });
});

describe('numbers as categories', () => {
  it('readCsv names them exactly in a text column', () => {
    const csv = parseCsv(`code,y\nnone,1\n${B},2\n${A},3\n${B}.0,4\n`, { target: 'y', categorical: true });
    expect(csv.categories).toEqual([['none', String(B), String(A)]]);
    expect(Array.from(csv.x.data)).toEqual([0, 1, 2, 1]);
  });

  it('readCsv refuses a column of such integers that turns to text: its numbers were float32', () => {
    expect(() => parseCsv(`code,y\n${B},1\n${A},2\nnone,3\n`, { target: 'y', categorical: true })).toThrow(
      'readCsv: <csv text> line 4, column 1 ("code"): "none" is text, so the column is categorical, but its ' +
        'integers above 2^24 were read as float32 (16777217 on line 2 is 16777216 there), where two can become ' +
        'one category; name the column in categorical (myelin train: --categorical) to read every cell as text, ' +
        'or leave it out',
    );
    // named in categorical, it is text from its first row
    const csv = parseCsv(`code,y\n${B},1\n${A},2\nnone,3\n`, { target: 'y', categorical: ['code'] });
    expect(csv.categories).toEqual([[String(B), String(A), 'none']]);
  });

  it('Preprocessor and OneHotEncoder on plain rows keep 16777216 and 16777217 apart', () => {
    const rows = [[A], [B], [B]];
    const p = new Preprocessor({ categorical: ['code'], scale: false }).fit(rows, ['code']);
    expect(p.columns).toEqual([
      { name: 'code', type: 'category', categories: [String(A), String(B)], fill: String(B) },
    ]);
    expect(Array.from(p.transform([[B], [A]]).data)).toEqual([0, 1, 1, 0]);
    const enc = new OneHotEncoder().fit(rows);
    expect(enc.categories).toEqual([[String(A), String(B)]]);
    expect(Array.from(enc.transform([[B]]).data)).toEqual([0, 1]);
  });
});

describe('ids above 2^24 as numbers', () => {
  // 100000001 to 100000060: float32 holds them as 9 values (its step there is 8)
  const ids = Array.from({ length: 60 }, (_, i) => 100000001 + i);

  it("readCsv's exactValues keeps such a column's values, where x rounds them", () => {
    const csv = parseCsv(`cust,x\n${ids.map((v, i) => `${v},${i % 2}`).join('\n')}\n`);
    expect(new Set(csv.x.data.filter((_, i) => i % 2 === 0)).size).toBe(9);
    expect(Object.keys(csv.exactValues!)).toEqual(['cust']);
    expect(Array.from(csv.exactValues!.cust!)).toEqual(ids);
    expect(parseCsv('a\n16777216\n1\n').exactValues).toBeUndefined(); // float32 holds these
  });

  it('beside them, an id column named "constructor" is judged on its own values', () => {
    const data = join(dir, 'constructor.csv');
    const rows = ids.map((v, i) => `${i},${v - (v % 10)},${i % 2},${i % 2 ? 'yes' : 'no'}`);
    writeFileSync(data, `constructor,block,x,label\n${rows.join('\n')}\n`);
    const r = myelin(['train', data, '--target', 'label', '--epochs', '2', '-o', join(dir, 'k.myelin'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).idColumns).toEqual(['constructor']);
  });

  it('myelin train leaves such an id column out, in memory and streamed (it trained on it)', () => {
    const data = join(dir, 'customers.csv');
    writeFileSync(data, `cust,x,label\n${ids.map((v, i) => `${v},${i % 2},${i % 2 ? 'yes' : 'no'}`).join('\n')}\n`);
    for (const memory of [[], ['--memory', '1KB']]) {
      const j = trainReport(data, memory, join(dir, 'c.myelin'));
      expect([j.features, j.idColumns]).toEqual([['x'], ['cust']]);
    }
  });
});
