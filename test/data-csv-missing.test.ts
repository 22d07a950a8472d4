import { describe, expect, it } from 'vitest';
import { parseCsv } from '../lib/index.js';
import { parseCsvChunks } from '../lib/data/csv.js';

const nan = NaN;

describe('readCsv: missing cells, text columns, dropped targets, delimiter detection', () => {
  const text = 'id;a;color;n;t\n1;1.5;red;3;x\n2;NA;blue;3.0;y\n3;2;;4;\n4;?;red;2;x\n5;7;green;null;y\n';
  const opts = { target: 't', delimiter: 'auto', missing: true, categorical: ['n'], missingTarget: 'drop' } as const;

  it('reads markers as NaN, text as category codes, drops rows without a target and detects ";"', () => {
    const d = parseCsv(text, opts);
    expect(d.delimiter).toBe(';');
    expect(d.rows).toBe(4);
    expect(d.droppedRows).toBe(1);
    expect(d.featureNames).toEqual(['id', 'a', 'color', 'n']);
    // (a dropped row's cells may still have named categories: codes present in x are what count)
    expect(d.categories).toEqual([null, null, ['red', 'blue', 'green'], ['3', '4', '2']]);
    expect(Array.from(d.x.data)).toEqual([1, 1.5, 0, 0, 2, nan, 1, 0, 4, nan, 0, 2, 5, 7, 2, nan]);
    expect(d.classNames).toEqual(['x', 'y']);
    expect(Array.from(d.y)).toEqual([0, 1, 0, 1]);
  });

  it('gives the same result whatever the chunking (the delimiter sniffed across chunks)', () => {
    const bytes = Buffer.from(text);
    const whole = parseCsv(bytes, opts);
    for (const size of [1, 3, 7]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(parseCsvChunks(chunks, opts)).toEqual(whole);
    }
  });

  it('maps cells onto known categories: unseen names get -1, missing NaN', () => {
    const d = parseCsv('a,color\n1,red\n2,pink\n3,\n4,blue\n', {
      missing: true,
      categories: { color: ['blue', 'red'] },
    });
    expect(Array.from(d.x.data)).toEqual([1, 1, 2, -1, 3, nan, 4, 0]);
    expect(d.categories).toEqual([null, ['blue', 'red']]);
  });

  it('a numeric column that meets text becomes categorical, its earlier numbers category names', () => {
    const d = parseCsv('a,b\n1,2\n3,x\n0.1,2.0\n', { categorical: true });
    expect(d.categories).toEqual([null, ['2', 'x']]);
    expect(Array.from(d.x.data)).toEqual([1, 0, 3, 1, Math.fround(0.1), 0]);
  });

  it('custom markers replace the defaults; tabs are detected', () => {
    const d = parseCsv('a\tb\n-999\t1\nNA\t2\n', { missing: ['-999'], delimiter: 'auto', categorical: true });
    expect(d.delimiter).toBe('\t');
    expect(d.categories).toEqual([['NA'], null]);
    expect(Array.from(d.x.data)).toEqual([nan, 1, 0, 2]);
  });

  it('without the options, missing and text cells are errors that say which option reads them', () => {
    expect(() => parseCsv('a,b\n1,NA\n')).toThrow(
      /line 2, column 2 \("b"\): feature "NA" is not a finite number \(pass missing: true/,
    );
    expect(() => parseCsv('a,b\n1,red\n')).toThrow(/feature "red" is not a finite number \(pass categorical: true/);
    expect(() => parseCsv('a,t\n1,\n', { target: 't' })).toThrow(/target is missing/);
    expect(() => parseCsv('a,b\n1,2\n', { categorical: ['c'] })).toThrow(
      /no column named "c" for the categorical column/,
    );
  });
});
