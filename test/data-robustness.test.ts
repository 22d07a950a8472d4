// Tables the eighth session's audit found mishandled: each is one clear error naming the file and the problem.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, readCsv } from '../lib/index.js';

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
});
