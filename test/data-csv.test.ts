import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, readCsv } from '../lib/index.js';
import { parseCsvChunks } from '../lib/data/csv.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('readCsv', () => {
  it('reads a CRLF file with a blank line and a quoted text target into x, class indexes and classNames', async () => {
    const d = await readCsv(fixture('iris-mini.csv'), { target: 'species' });
    expect(d.featureNames).toEqual(['sepal_length', 'sepal_width']);
    expect(d.x.shape).toEqual([3, 2]);
    expect(Array.from(d.x.data)).toEqual([5.1, 3.5, 7.0, 3.2, 6.3, 3.3].map(Math.fround));
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(d.y).toBeInstanceOf(Int32Array);
    expect(Array.from(d.y!)).toEqual([0, 1, 2]);
    expect(d.targetName).toBe('species');
  });

  it('streams: every split of the bytes into chunks gives the same result', () => {
    const text = '\uFEFFa;"b ""q"";x";t\r\n1;"2\n";"x;y"\n\n-3.5e2;  4 ;"z"\r\n';
    const bytes = Buffer.from(text, 'utf8');
    const whole = parseCsv(bytes, { delimiter: ';', target: 't', features: ['a'] });
    expect(whole.featureNames).toEqual(['a']);
    expect(Array.from(whole.x.data)).toEqual([1, -350]);
    expect(whole.classNames).toEqual(['x;y', 'z']);
    for (const size of [1, 2, 3, 5, 7]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(parseCsvChunks(chunks, { delimiter: ';', target: 't', features: ['a'] })).toEqual(whole);
    }
  });

  it('RFC 4180 quotes: embedded delimiters, doubled quotes and newlines inside a text target; lines counted through them', () => {
    const d = parseCsv('x,label\n1,"a, ""b"""\n2,"multi\nline"\n3,plain\n', { target: 'label' });
    expect(d.classNames).toEqual(['a, "b"', 'multi\nline', 'plain']);
    expect(Array.from(d.y!)).toEqual([0, 1, 2]);
    // The bad cell is on line 6: the quoted newline on line 3 counts.
    expect(() => parseCsv('x,label\n1,a\n2,"multi\nline"\n3,b\noops,c\n', { target: 'label' })).toThrow(
      'readCsv: <csv text> line 6, column 1 ("x"): feature "oops" is not a finite number',
    );
  });

  it('a numeric target comes back as float32 numbers; the target by index, also negative', () => {
    const d = parseCsv('1,2,0.5\n3,4,1.5\n', { header: false, target: -1 });
    expect(d.featureNames).toEqual(['col_0', 'col_1']);
    expect(d.y).toBeInstanceOf(Float32Array);
    expect(Array.from(d.y!)).toEqual([0.5, 1.5]);
    expect(Array.from(d.x.data)).toEqual([1, 2, 3, 4]);
    expect(parseCsv('t,a\n7,1\n', { target: 0 }).targetName).toBe('t');
  });

  it("targetType 'class' maps numeric codes to indexes in numeric order; classNames fixes the mapping", () => {
    const d = parseCsv('a,t\n1,10\n2,9\n3,10\n', { target: 't', targetType: 'class' });
    expect(d.classNames).toEqual(['9', '10']);
    expect(Array.from(d.y!)).toEqual([1, 0, 1]);
    const f = parseCsv('a,t\n1,dog\n', { target: 't', classNames: ['cat', 'dog'] });
    expect(Array.from(f.y!)).toEqual([1]);
    expect(() => parseCsv('a,t\n1,cow\n', { target: 't', classNames: ['cat', 'dog'] })).toThrow(
      /line 2, column 2 \("t"\): target "cow" is not one of the classes "cat", "dog"/,
    );
  });

  it('no target reads features only; requireTarget: false tolerates a predict file without the target column', () => {
    expect(parseCsv('a,b\n1,2\n').y).toBeUndefined();
    const withT = parseCsv('b,t,a\n2,x,1\n', { target: 't', features: ['a', 'b'], requireTarget: false });
    expect(Array.from(withT.x.data)).toEqual([1, 2]);
    expect(withT.classNames).toEqual(['x']);
    const without = parseCsv('b,a\n2,1\n', { target: 't', features: ['a', 'b'], requireTarget: false });
    expect(without.y).toBeUndefined();
    expect(Array.from(without.x.data)).toEqual([1, 2]);
  });

  it('errors name the file, line, column and column name', () => {
    const bad =
      (text: string, opts = {}) =>
      () =>
        parseCsv(text, { target: 'y', ...opts }, 'data.csv');
    expect(bad('a,y\n1,0\nx1,1\n')).toThrow(
      'readCsv: data.csv line 3, column 1 ("a"): feature "x1" is not a finite number',
    );
    expect(bad('a,y\n1,0\n,1\n')).toThrow('readCsv: data.csv line 3, column 1 ("a"): feature is empty');
    expect(bad('a,y\n1,0\n2\n')).toThrow('readCsv: data.csv line 3: the row has 1 field but the header has 2');
    expect(bad('a,y\n1,0,5\n')).toThrow('readCsv: data.csv line 2: the row has more than the 2 fields of the header');
    expect(bad('a,y\n1,\n')).toThrow('readCsv: data.csv line 2, column 2 ("y"): target is missing (empty cell)');
    expect(bad('a,y\n1e999,0\n')).toThrow(/"1e999" is not a finite number/);
    expect(bad('a,y\nNaN,0\n')).toThrow(/"NaN" is not a finite number/);
    expect(bad('a,b\n1,0\n')).toThrow('readCsv: data.csv has no column named "y" for the target; columns: a, b');
    expect(bad('a,y\n"1,0\n')).toThrow('readCsv: data.csv line 2: a quoted field opened on line 2 is never closed');
    expect(bad('a,y\n"1"x,0\n')).toThrow(/line 2: unexpected "x" after the closing quote of field 1/);
    expect(bad('a,y\n1,2\n', { targetType: 'number' })).not.toThrow();
    expect(bad('a,y\n1,b\n', { targetType: 'number' })).toThrow(/column 2 \("y"\): target "b" is not a number/);
    expect(bad('')).toThrow('readCsv: data.csv has no header');
    try {
      bad('a,y\n1,0\nx1,1\n')();
    } catch (e) {
      expect(e).toBeInstanceOf(CsvError);
      expect(e).toMatchObject({ file: 'data.csv', line: 3, column: 1, columnName: 'a' });
    }
  });

  it('parses numbers exactly like Number() then float32, on the fast path and off it', () => {
    const vals = [
      '0',
      '-0.5',
      '+12.25',
      '.5',
      '5.',
      '1e3',
      '2.5E-3',
      ' 7 ',
      '123456789012345678',
      '0.1000000000000000055511151231257827',
      '3.4e38',
      '1e-50',
    ];
    const d = parseCsv(`${vals.join('\n')}\n`, { header: false });
    expect(Array.from(d.x.data)).toEqual(vals.map((v) => Math.fround(Number(v))));
    expect(() => parseCsv('1e39\n', { header: false })).toThrow(/"1e39" is not a finite number in float32 range/);
    for (const bad of ['0x10', 'Infinity', '1e', '--1', '1.2.3', '.', '1 2'])
      expect(() => parseCsv(`${bad}\n`, { header: false }), bad).toThrow(/is not a finite number/);
  });

  it('reads a file of 120k rows (several 1 MiB chunks) from disk in chunks (values and row count)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-csv-'));
    const path = join(dir, 'big.csv');
    const lines = ['a,b,c,label'];
    for (let i = 0; i < 120_000; i++) lines.push(`${i},${i * 0.5},-${i % 7},${i % 3 === 0 ? 'yes' : 'no'}`);
    writeFileSync(path, lines.join('\n'));
    const d = await readCsv(path, { target: 'label' });
    expect(d.rows).toBe(120_000);
    expect(d.x.get(119_999, 0)).toBe(119_999);
    expect(d.x.get(12_345, 1)).toBe(6172.5);
    expect(d.x.get(12_345, 2)).toBe(-(12_345 % 7));
    expect(d.classNames).toEqual(['no', 'yes']);
    expect(d.y![3]).toBe(1);
    expect(d.y![4]).toBe(0);
    await expect(readCsv(join(dir, 'missing.csv'))).rejects.toThrow(/cannot read .*missing\.csv: ENOENT/);
    await expect(readCsv(dir)).rejects.toThrow(/cannot read .*: EISDIR/);
    // Any stream of byte chunks works too (a Readable, a fetch body).
    const s = await readCsv(createReadStream(path, { highWaterMark: 65_536 }), { target: 'label' });
    const same = (a: ArrayBufferView, b: ArrayBufferView) =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    expect(same(s.x.data, d.x.data) && same(s.y, d.y)).toBe(true); // (toEqual is slow on 100k-element arrays)
    await expect(readCsv(createReadStream(path, { encoding: 'utf8' }))).rejects.toThrow(
      /must yield bytes .* got the string/,
    );
  });
});
