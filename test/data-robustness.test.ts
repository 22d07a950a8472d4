// Tables the eighth session's audit found mishandled: each is one clear error naming the file and the problem.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, readCsv, tableSource } from '../lib/index.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-data-robust-'));

describe('CSV headers and paths', () => {
  it('two columns of one name are refused (names find targets, features and ONNX inputs)', async () => {
    const file = join(dir, 'dup.csv');
    writeFileSync(file, 'a,b,a,label\n1,2,3,0\n4,5,6,1\n');
    await expect(readCsv(file)).rejects.toThrow(
      `readCsv: ${file} has two columns named "a" (columns 1 and 3); rename one in the header`,
    );
    expect(() => parseCsv(',col_0,x\n1,2,3\n', {}, 't.csv')).toThrow(
      'readCsv: t.csv has two columns named "col_0" (columns 1 and 2); rename one in the header',
    );
    // Without a header the columns are col_0, col_1, ...: no clash.
    expect(parseCsv('1,2\n3,4\n', { header: false }).featureNames).toEqual(['col_0', 'col_1']);
  });

  it('a path Node refuses (a NUL byte) is a CsvError naming it', async () => {
    const err = await readCsv('data\0.csv').catch((e) => e);
    expect(err).toBeInstanceOf(CsvError);
    expect(err.message).toMatch(/^readCsv: cannot read data\0\.csv: .*null bytes/);
  });

  it('UTF-16, a model file or other binary is named as such, not read as a header of garbage columns', async () => {
    // They read as one header of garbage ('columns: \xff\xfea\x00, \x00b\x00') and failed on the target.
    const utf16 = Buffer.from(`\ufeffa,b,label\n1,2,0\n`, 'utf16le');
    expect(() => parseCsv(utf16, { target: 'label' }, 'u.csv')).toThrow(
      'readCsv: u.csv line 1: the file is UTF-16 text (it begins with a UTF-16 byte order mark); myelin reads UTF-8: save it as UTF-8 CSV',
    );
    const file = join(dir, 'model.csv');
    writeFileSync(file, Buffer.from([0x89, 0x4d, 0x59, 0x45, 0x4c, 0x49, 0x4e, 0x0a, 1, 0, 0, 0]));
    await expect(readCsv(file, { target: 'label' })).rejects.toThrow(
      `readCsv: ${file} line 1: the file is a myelin model file, not a table`,
    );
    expect(() => parseCsv(Buffer.from('a,b\n1,\x002\n'), {}, 'n.csv')).toThrow(
      'readCsv: n.csv line 1: the file is not text: byte 6 is NUL (0x00); a table is a CSV, JSON Lines or Parquet file',
    );
    expect(parseCsv('\ufeffa,b\n1,2\n').featureNames).toEqual(['a', 'b']); // a UTF-8 byte order mark is fine
  });
});

describe('JSON Lines and Parquet tables', () => {
  it('a JSON Lines file past 1 MiB of rows reads every row once (its header was repeated at each MiB, as a row)', async () => {
    const file = join(dir, 'big.jsonl');
    const n = 200_000; // 1.8 MB of CSV text
    writeFileSync(file, Array.from({ length: n }, (_, i) => JSON.stringify({ i, y: i % 2 ? 'x' : 'z' })).join('\n'));
    const t = await readCsv(tableSource(file), { target: 'y' });
    expect(t.rows).toBe(n);
    expect(t.x.data.every((v, i) => v === i)).toBe(true);
    expect(t.classNames).toEqual(['x', 'z']);
  });

  it('errors name the JSON line or the Parquet row, not the line of the CSV made of them', async () => {
    const fixtures = join(import.meta.dirname, 'fixtures', 'tables');
    const numberColor = { target: 'color', targetType: 'number' } as const;
    await expect(readCsv(join(fixtures, 'mixed.csv'), numberColor)).rejects.toThrow(/mixed\.csv line 2, column 3/);
    await expect(readCsv(tableSource(join(fixtures, 'mixed.jsonl')), numberColor)).rejects.toThrow(
      /mixed\.jsonl line 1, column 3 \("color"\): target "green" is not a number/,
    );
    await expect(readCsv(tableSource(join(fixtures, 'mixed.parquet')), numberColor)).rejects.toThrow(
      /mixed\.parquet row 1, column 3 \("color"\): target "green" is not a number/,
    );
    // A blank line and a text cell with line breaks move the CSV's lines away from the file's.
    const file = join(dir, 'lines.jsonl');
    const rows = ['{"a": 1, "t": "one\\ntwo\\nthree"}', '', '{"a": 2, "t": "x"}', '{"a": "oops", "t": "y"}'];
    writeFileSync(file, `${rows.join('\n')}\n`);
    await expect(readCsv(tableSource(file), { categorical: true, ignore: ['t'] })).resolves.toBeDefined();
    await expect(readCsv(tableSource(file), { ignore: ['t'] })).rejects.toThrow(
      /lines\.jsonl line 4, column 1 \("a"\): feature "oops" is not a finite number/,
    );
  });
});
