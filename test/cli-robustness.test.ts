// The CLI on bad input found by the eighth session's audit: each case a clear error that leaves no
// half-written file behind.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, housesCsv, myelin, oneLine } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-cli-robust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (f: string) => join(dir, f);
writeFileSync(path('houses.csv'), housesCsv(60, 3));
const trained = myelin(['train', path('houses.csv'), '--target', 'price', '--epochs', '3', '-o', path('h.myelin')]);

describe('myelin predict --out', () => {
  it('a bad row after the first batch leaves the previous predictions file as it was, and no temporary file', () => {
    expect(trained.code, trained.stderr).toBe(0);
    // 5000 rows: the first batch of 4096 is predicted before row 4500's text is read.
    const rows = Array.from({ length: 5000 }, (_, i) => (i === 4500 ? '50,abc,10' : `${50 + (i % 90)},3,10`));
    writeFileSync(path('new.csv'), `size,rooms,age\n${rows.join('\n')}\n`);
    writeFileSync(path('out.csv'), 'previous predictions\n');
    const r = myelin(['predict', path('h.myelin'), path('new.csv'), '-o', path('out.csv')]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/^myelin: .*rooms.*text/);
    expect(readFileSync(path('out.csv'), 'utf8')).toBe('previous predictions\n');
    expect(readdirSync(dir).filter((f) => f.includes('out.csv'))).toEqual(['out.csv']);
  });

  it('a file that lacks a feature column writes nothing, not even the header', () => {
    writeFileSync(path('partial.csv'), 'size,age\n50,10\n');
    const r = myelin(['predict', path('h.myelin'), path('partial.csv'), '-o', path('none.csv')]);
    expect(oneLine(r)).toMatch(/no column named "rooms"/);
    expect(readdirSync(dir).filter((f) => f.includes('none.csv'))).toEqual([]);
    const s = myelin(['predict', path('h.myelin'), path('partial.csv')]);
    expect(s.code).toBe(1);
    expect(s.stdout).toBe('');
  });

  it('predictions written in full when all is well', () => {
    writeFileSync(path('ok.csv'), 'size,rooms,age\n50,3,10\n120,4,2\n');
    const r = myelin(['predict', path('h.myelin'), path('ok.csv'), '-o', path('out.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(path('out.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('prediction');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => Number.isFinite(Number(l)))).toBe(true);
  });
});

describe('option values', () => {
  it('an option whose value is missing before another option says so and how to pass a dash value', () => {
    for (const flag of ['--target', '-t'])
      expect(oneLine(myelin(['train', path('houses.csv'), flag, '--epochs', '3']))).toBe(
        `myelin train: ${flag} needs a value, but the next word is an option; for a value that starts with '-', ` +
          'write --target=VALUE (see myelin train --help)',
      );
  });
});

describe('myelin train on a column of numbers with a stray text cell', () => {
  it('says the column is read as categories and names the text', () => {
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${i % 7},${i === 6 ? 'Infinity' : (i * 37) % 11},${i % 2 ? 'a' : 'b'}`,
    );
    writeFileSync(path('stray.csv'), `x,b,label\n${rows.join('\n')}\n`);
    const r = myelin(['train', path('stray.csv'), '--target', 'label', '--epochs', '1', '-o', path('stray.myelin')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'note: "b" holds numbers but also "Infinity", so it is read as 12 categories (one-hot); ' +
        'blank or fix those cells to read it as numbers',
    );
    expect(r.stderr).not.toContain('note: "x"');
  });
});

describe('more CLI inputs', () => {
  it('--keep naming a column twice, and explain --out into a missing folder, are one clear line each', () => {
    writeFileSync(path('ok2.csv'), 'size,rooms,age\n50,3,10\n120,4,2\n');
    expect(oneLine(myelin(['predict', path('h.myelin'), path('ok2.csv'), '--keep', 'size,size']))).toBe(
      'myelin: kept column "size" is listed twice',
    );
    const e = myelin(['explain', path('h.myelin'), path('houses.csv'), '--out', path('no/such/shap.csv')]);
    expect(oneLine(e)).toBe(
      `myelin: cannot write the SHAP values to ${path('no/such/shap.csv')}: no such file or folder`,
    );
    expect(e.stdout).toBe(''); // checked before the work, not after it
  });

  it('--task classification on a column of decimals names the classes as the file writes them', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i % 5},${[0.002, 0.1, 0.3][i % 3]}`);
    writeFileSync(path('dec.csv'), `x,y\n${rows.join('\n')}\n`);
    const r = myelin([
      'train',
      path('dec.csv'),
      '--target',
      'y',
      '--task',
      'classification',
      '--epochs',
      '1',
      '--json',
      '-o',
      path('dec.myelin'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).classNames).toEqual(['0.002', '0.1', '0.3']);
  });
});

describe('standard input', () => {
  it('is named "standard input" in errors, not "<stream>"', () => {
    const run = (args: string[], input: string) =>
      spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' }).stderr.trim();
    expect(run(['train', '-', '--target', 'y'], '')).toBe('myelin: standard input has no header');
    expect(run(['predict', path('h.myelin'), '-'], 'size,age\n1,2\n')).toBe(
      'myelin: standard input has no column named "rooms" for the feature; columns: size, age',
    );
  });
});

describe('myelin evaluate', () => {
  it('a file whose rows all lack the target says so (was "x is empty (0 rows)")', () => {
    writeFileSync(path('notarget.csv'), 'size,rooms,age,price\n50,3,10,\n120,4,2,\n');
    expect(oneLine(myelin(['evaluate', path('h.myelin'), path('notarget.csv')]))).toBe(
      `myelin: ${path('notarget.csv')} has no rows to evaluate: all 2 lack the target "price"`,
    );
  });

  it('--target naming one of the features says so (was \'column "rooms" is listed twice (features / target)\')', () => {
    const r = myelin(['evaluate', path('h.myelin'), path('houses.csv'), '--target', 'rooms']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(
      'myelin evaluate: --target "rooms" is one of the model\'s features (size, rooms, age); name the column that ' +
        'holds the true values ("price" in training) (see myelin evaluate --help)',
    );
  });
});

describe('myelin train --layers', () => {
  it('a network too large to train is refused before any layer is allocated (1e9 units ran for minutes)', () => {
    const r = myelin(['train', path('houses.csv'), '--target', 'price', '--layers', '1e9', '-o', path('big.myelin')]);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(
      'myelin train: --layers 1000000000: the network 3 → 1000000000 → 1 has 5000000001 weights (18.6 GiB as ' +
        'float32), more than the 268435456 (1 GiB) myelin train takes (training holds them several times over); ' +
        'use fewer units (see myelin train --help)',
    );
    expect(readdirSync(dir)).not.toContain('big.myelin');
  });
});

describe('myelin explain --plots', () => {
  it('a file where the folder would be is refused before the work (it failed after, with a bare EEXIST)', () => {
    writeFileSync(path('plots-file'), '');
    const r = myelin(['explain', path('h.myelin'), path('houses.csv'), '--plots', path('plots-file')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(''); // nothing explained first
    expect(oneLine(r)).toBe(
      `myelin: cannot write pictures to ${path('plots-file')}: a file is in the way where a folder is needed`,
    );
  });
});
