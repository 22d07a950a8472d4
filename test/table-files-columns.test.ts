// Parquet and JSON Lines columns that are not numbers or categories: lists and objects (refused by the
// encoders, naming the column and how to flatten it), INT64 ids beyond 2^53 (read as text, never rounded
// into one value), JSON numbers that JSON.parse has rounded (refused).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import {
  csvDataset,
  Matrix,
  OneHotEncoder,
  Preprocessor,
  readCsv,
  streamStatistics,
  tableSource,
} from '../lib/index.js';
import { myelin, oneLine, trainReport } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-columns-'));
const N = 60;
const xs = Array.from({ length: N }, (_, i) => i % 2);
const labels = xs.map((x) => (x ? 'yes' : 'no'));

function parquet(name: string, columns: { name: string; data: unknown[]; type?: string }[]): string {
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData: columns as never })));
  return path;
}

describe('lists and objects', () => {
  const tags = Array.from({ length: N }, (_, i) => (i % 3 ? [1, 2] : [3]));
  const lists = parquet('lists.parquet', [
    { name: 'x', data: xs, type: 'DOUBLE' },
    { name: 'tags', data: tags },
    { name: 'label', data: labels, type: 'STRING' },
  ]);

  it('readCsv names the column in nestedColumns; Preprocessor and OneHotEncoder refuse to encode it', async () => {
    const t = await readCsv(tableSource(lists), { target: 'label', categorical: true });
    expect(t.categories).toEqual([null, ['[3]', '[1,2]']]); // what it was: one category per JSON text
    expect(t.nestedColumns).toEqual({ tags: 'lists (row 1: [3])' });
    const refusal =
      'column "tags" holds lists (row 1: [3]), not numbers or categories; flatten it first (a column per field ' +
      "or element, as pandas' json_normalize or explode make), or leave it out of the table";
    expect(() => new Preprocessor().fit(t)).toThrow(new TypeError(`Preprocessor.fit: ${refusal}`));
    expect(() => new OneHotEncoder().fit(t)).toThrow(new TypeError(`OneHotEncoder.fit: ${refusal}`));
    // left out, the rest is read as before
    const kept = await readCsv(tableSource(lists), { target: 'label', categorical: true, ignore: ['tags'] });
    expect(kept.nestedColumns).toBeUndefined();
    expect(new Preprocessor().fit(kept).nFeatures).toBe(1);
  });

  it('a column named "constructor" beside a nested one is not taken for it', () => {
    const t = { x: new Matrix(2, 1, Float32Array.from([1, 2])), featureNames: ['constructor'], nestedColumns: {} };
    expect(new Preprocessor().fit({ ...t, nestedColumns: { tags: 'lists (row 1: [3])' } }).nFeatures).toBe(1);
  });

  it('streamStatistics (a Preprocessor from batches) refuses it too', async () => {
    const numeric = parquet('lists-y.parquet', [
      { name: 'x', data: xs, type: 'DOUBLE' },
      { name: 'tags', data: tags },
      { name: 'y', data: xs, type: 'DOUBLE' },
    ]);
    await expect(streamStatistics(csvDataset(numeric, { target: 'y', batchSize: 16 }))).rejects.toThrow(
      new TypeError(
        'streamStatistics: column "tags" holds lists (row 1: [3]), not numbers or categories; flatten it first (a ' +
          "column per field or element, as pandas' json_normalize or explode make), or leave it out (ignore)",
      ),
    );
  });

  it('JSON Lines objects too', async () => {
    const jsonl = join(dir, 'objects.jsonl');
    writeFileSync(jsonl, xs.map((x, i) => JSON.stringify({ x, meta: { k: i % 2 }, label: labels[i] })).join('\n'));
    const t = await readCsv(tableSource(jsonl), { target: 'label', categorical: true });
    expect(t.nestedColumns).toEqual({ meta: 'objects (line 1: {"k":0})' });
  });

  it('myelin train refuses it by name, unless it goes as an id (a different object on every row)', () => {
    const r = myelin(['train', lists, '--target', 'label', '--epochs', '2', '-o', join(dir, 'l.myelin')]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(
      `myelin: ${lists}: column "tags" holds lists (row 1: [3]), not numbers or categories; flatten it first (a ` +
        "column per field or element, as pandas' json_normalize or explode make), or leave such columns out with " +
        '--ignore tags',
    );
    const streamed = myelin(['train', lists, '--target', 'label', '--memory', '1KB', '-o', join(dir, 'l.myelin')]);
    expect(oneLine(streamed)).toBe(oneLine(r));
    const ids = parquet('object-ids.parquet', [
      { name: 'x', data: xs, type: 'DOUBLE' },
      { name: 'meta', data: xs.map((_, i) => ({ row: i })) },
      { name: 'label', data: labels, type: 'STRING' },
    ]);
    const ok = myelin(['train', ids, '--target', 'label', '--epochs', '2', '-o', join(dir, 'i.myelin'), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).idColumns).toEqual(['meta']);
  });
});

describe('lists where a model takes categories', () => {
  it('myelin predict refuses them (they were one unseen category each: all zeros)', () => {
    const train = join(dir, 'colors.csv');
    writeFileSync(
      train,
      `x,color,label\n${xs.map((x, i) => `${x},${['red', 'blue'][i % 2]},${labels[i]}`).join('\n')}\n`,
    );
    const model = join(dir, 'colors.myelin');
    expect(myelin(['train', train, '--target', 'label', '--epochs', '2', '-o', model]).code).toBe(0);
    const rows = parquet('color-lists.parquet', [
      { name: 'x', data: [0, 1], type: 'DOUBLE' },
      { name: 'color', data: [['red'], ['blue']] },
    ]);
    const r = myelin(['predict', model, rows]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(
      'myelin: x: column "color" holds lists (row 1: ["red"]), not numbers or categories; flatten it first (a ' +
        "column per field or element, as pandas' json_normalize or explode make), or leave it out of the table",
    );
  });
});

describe('INT64 beyond 2^53', () => {
  const big = 9007199254740993n; // 2^53 + 1: as a number, 9007199254740992
  const ids = xs.map((_, i) => big + 2n * BigInt(i));
  const file = parquet('ids.parquet', [
    { name: 'id', data: ids, type: 'INT64' },
    { name: 'x', data: xs, type: 'DOUBLE' },
    { name: 'label', data: labels, type: 'STRING' },
  ]);

  it('is text: its digits are the categories (as numbers, 60 ids were 30 values)', async () => {
    const t = await readCsv(tableSource(file), { target: 'label', categorical: true });
    expect(t.categories![0]).toEqual(ids.map(String));
    expect(Array.from(t.x.data.filter((_, i) => i % 2 === 0))).toEqual(ids.map((_, i) => i));
    await expect(readCsv(tableSource(file), { target: 'label' })).rejects.toThrow(
      `readCsv: ${file}, column 1 ("id") holds integers beyond 2^53 (row 1: 9007199254740993), which numbers ` +
        'cannot hold exactly (ids?); pass categorical: true to read it as text, or leave it out',
    );
    expect((await readCsv(tableSource(file), { target: 'label', ignore: ['id'] })).featureNames).toEqual(['x']);
  });

  it('myelin train leaves it out as an id, in memory and streamed', () => {
    for (const memory of [[], ['--memory', '1KB']]) {
      const r = myelin(['train', file, '--target', 'label', '--epochs', '2', ...memory, '-o', join(dir, 'ids.myelin')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/note: "id" holds a different text on every row \(an id\?\)/);
    }
  });

  it('refused when it starts after the first MiB of rows were read as numbers', async () => {
    const n = 60_000;
    const late = parquet('late.parquet', [
      { name: 'id', data: Array.from({ length: n }, (_, i) => (i < n - 1 ? BigInt(i) : big)), type: 'INT64' },
      { name: 'x', data: Array.from({ length: n }, (_, i) => i / 7), type: 'DOUBLE' },
    ]);
    await expect(readCsv(tableSource(late), { categorical: true })).rejects.toThrow(
      `readCsv: ${late}, column 1 ("id") holds integers beyond 2^53 (row ${n}: 9007199254740993), which numbers ` +
        'cannot hold exactly (ids?); name it in categorical to read it as text from its first row, or leave it out',
    );
  });

  it('JSON Lines: refused, JSON.parse has rounded them', async () => {
    const jsonl = join(dir, 'ids.jsonl');
    writeFileSync(jsonl, `{"id":1,"x":0}\n{"id":9007199254740993,"x":1}\n`);
    await expect(readCsv(tableSource(jsonl), { categorical: true })).rejects.toThrow(
      `readCsv: ${jsonl}, column 1 ("id") holds integers beyond 2^53, which JSON numbers cannot hold exactly ` +
        '(line 2: 9007199254740992 as JSON.parse reads it); write them as strings in the file, or leave the column out',
    );
    expect((await readCsv(tableSource(jsonl), { ignore: ['id'] })).featureNames).toEqual(['x']);
    // a float written with 17 digits is a float, not a rounded id
    const floats = join(dir, 'floats.jsonl');
    writeFileSync(floats, '{"f":1.2345678901234567e+25,"x":1}\n{"f":2,"x":0}\n');
    expect(Array.from((await readCsv(tableSource(floats))).x.data)).toEqual([
      Math.fround(Number('1.2345678901234567e25')),
      1,
      2,
      0,
    ]);
  });
});

describe('myelin train --memory leaves out ids as the in-memory path does', () => {
  it('the same columns, decided by one rule (streamed: on the first chunk)', () => {
    const data = join(dir, 'ids.csv');
    let s = 'rowid,code,x,noise,label\n';
    for (let i = 0; i < N; i++) s += `${1000 + 3 * i},c${i},${xs[i]},${i % 5},${labels[i]}\n`;
    writeFileSync(data, s);
    const features = (memory: string[]) => {
      const j = trainReport(data, memory, join(dir, 'c.myelin'));
      return { features: j.features, ids: j.idColumns };
    };
    const inMemory = features([]);
    expect(inMemory).toEqual({ features: ['x', 'noise'], ids: ['rowid', 'code'] });
    expect(features(['--memory', '1KB'])).toEqual(inMemory); // it kept both: features rowid, code, x, noise
  });
});

describe('a row whose only cell is missing', () => {
  it('is a row with a missing cell, not an empty line dropped (predictions lost their rows)', async () => {
    const one = parquet('one-column.parquet', [{ name: 'x', data: [1, null, 0], type: 'DOUBLE' }]);
    const jsonl = join(dir, 'one-column.jsonl');
    writeFileSync(jsonl, '{"x":1}\n{"x":null}\n{"x":0}\n');
    for (const file of [one, jsonl]) {
      const t = await readCsv(tableSource(file), { missing: true });
      expect([t.rows, Array.from(t.x.data)]).toEqual([3, [1, NaN, 0]]);
    }
    await expect(readCsv(tableSource(one))).rejects.toThrow(
      `readCsv: ${one} row 2, column 1 ("x"): feature is empty (pass missing: true to read missing cells as NaN)`,
    );
    const train = join(dir, 'one.csv');
    writeFileSync(train, `x,label\n${xs.map((x, i) => `${x},${labels[i]}`).join('\n')}\n`);
    const model = join(dir, 'one.myelin');
    expect(myelin(['train', train, '--target', 'label', '--epochs', '2', '-o', model]).code).toBe(0);
    const p = myelin(['predict', model, one]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim().split('\n')).toHaveLength(1 + 3);
  });
});

describe('JSON Lines without columns', () => {
  it('says so in JSON terms (it was "has no header")', async () => {
    const cases: [string, string][] = [
      ['{}\n{}\n', 'line 1: the first object names the columns, but it has no keys'],
      ['', 'has no rows: no line holds a JSON object'],
      ['\n\n', 'has no rows: no line holds a JSON object'],
    ];
    for (const [text, why] of cases) {
      const file = join(dir, 'no-columns.jsonl');
      writeFileSync(file, text);
      await expect(readCsv(tableSource(file))).rejects.toThrow(`${file} ${why}`);
    }
  });
});
