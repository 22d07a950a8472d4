// Real tables through the CLI: missing cells, text columns, unseen categories, an id column, a ';'
// delimiter and missing targets; and the CLI defects of issues 13 and 14, each with a test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, readCsv } from '../lib/index.js';
import { seededRandom } from '../lib/random.js';
import { BIN, myelin, oneLine } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-tables-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** label = yes when a + (color is red) − b > 0.3; 5 % of the targets, 10 % of a and color missing. */
function messyCsv(
  n: number,
  seed: number,
): { text: string; missingTargets: number; missingA: number; missingColor: number } {
  const r = seededRandom(seed);
  const colors = ['red', 'green', 'blue'];
  let text = 'id;a;b;color;label\n';
  let missingTargets = 0,
    missingA = 0,
    missingColor = 0;
  for (let i = 0; i < n; i++) {
    const a = r() * 4 - 2,
      b = r() * 4 - 2,
      color = colors[Math.floor(r() * 3)]!;
    const label = a + (color === 'red' ? 1 : 0) - b > 0.3 ? 'yes' : 'no';
    const dropT = r() < 0.05,
      dropA = r() < 0.1,
      dropC = r() < 0.1;
    if (dropT) missingTargets++;
    else {
      missingA += +dropA;
      missingColor += +dropC;
    }
    text += `${5000 + i * 3};${dropA ? 'NA' : a.toFixed(3)};${b.toFixed(3)};${dropC ? '' : color};${dropT ? '' : label}\n`;
  }
  return { text, missingTargets, missingA, missingColor };
}

const messy = messyCsv(400, 5);
const data = join(dir, 'messy.csv');
writeFileSync(data, messy.text);
const model = join(dir, 'messy.myelin');
const fresh = join(dir, 'fresh.csv');
writeFileSync(fresh, 'id;a;b;color\n1;1.5;-1;red\n2;NA;0.5;purple\n3;-1.5;1.5;\n4;-1;0;=1+1\n');

describe('myelin train on a messy table, then predict', () => {
  const r = myelin(['train', data, '--target', 'label', '-o', model, '--json', '--epochs', '300']);

  it('trains: id left out with a warning, rows without a target dropped and counted, missing cells counted', () => {
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.delimiter).toBe(';');
    expect(j.idColumns).toEqual(['id']);
    expect(j.features).toEqual(['a', 'b', 'color']);
    expect(j.rows.dropped.missingTarget).toBe(messy.missingTargets);
    expect(j.missing).toEqual({ a: messy.missingA, color: messy.missingColor });
    expect(j.categorical).toEqual({ color: 3 });
    expect(j.refit.epochs).toBeGreaterThan(0);
    expect(j.scores.accuracy).toBeGreaterThan(0.85);
  });

  it('predicts raw rows: kept columns first, unseen categories counted, formulas neutralized', () => {
    const p = myelin(['predict', model, fresh, '--keep', 'id,color']);
    expect(p.code, p.stderr).toBe(0);
    const lines = p.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,color,prediction,probability_no,probability_yes');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      '1,red',
      '2,purple',
      '3,',
      "4,'=1+1",
    ]);
    expect(lines[1]!.split(',')[2]).toBe('yes'); // 1.5 + 1 + 1 > 0.3
    expect(p.stderr).toMatch(/categories the training rows lack were encoded as all zeros \(color 2\)/);
  });

  it('the library loads the same model and predicts the same rows as objects', async () => {
    const m = await loadModel(model);
    const cli = myelin(['predict', model, fresh, '--json']);
    const want = JSON.parse(cli.stdout).predictions.map((p: { probabilities: { yes: number } }) => p.probabilities.yes);
    const got = m.predict([
      { a: 1.5, b: -1, color: 'red' },
      { a: null, b: 0.5, color: 'purple' },
      { a: -1.5, b: 1.5, color: null },
      { a: -1, b: 0, color: '=1+1' },
    ]);
    Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('streams: predictions come out while the input is still being written (no whole-file buffering)', async () => {
    const child = spawn(process.execPath, [BIN, 'predict', model, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const rows = Array.from(
      { length: 10000 },
      (_, i) => `${i};${(i % 7) - 3};${(i % 5) - 2};${['red', 'green', 'blue'][i % 3]}`,
    ).join('\n');
    child.stdin.write(`id;a;b;color\n${rows}\n`);
    // stdin stays open: only a streaming reader can answer now
    const first = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no output before the input ended')), 60_000);
      child.stdout.once('data', (d: Buffer) => {
        clearTimeout(t);
        resolve(d.toString());
      });
    });
    expect(first.startsWith('prediction,probability_no,probability_yes\n')).toBe(true);
    child.stdin.end();
    let out = first;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    expect(await new Promise((r) => child.on('close', r))).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(10001);
  });

  it('reads standard input for "-" and writes standard output for -o -', () => {
    const p = spawnSync(process.execPath, [BIN, 'predict', model, '-', '-o', '-'], {
      input: readFileSync(fresh),
      encoding: 'utf8',
    });
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout.split('\n')).toHaveLength(6);
  });
});

describe('CLI defects (issue 13 item 7, issue 14 items 5 and 12)', () => {
  const small = join(dir, 'small.csv');
  writeFileSync(
    small,
    'a,b,label\n' +
      Array.from({ length: 30 }, (_, i) => `${i % 5},${i % 7},${i % 2 ? 'odd' : 'even'}`).join('\n') +
      '\n',
  );

  it('a negative number is taken as an option value (and then checked)', () => {
    const r = myelin(['train', small, '--target', 'label', '--lr', '-0.1']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/--lr must be a number > 0, got "-0\.1"/);
  });

  it('a value option given twice is a usage error', () => {
    const r = myelin(['train', small, '--target', 'a', '--target', 'b']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/--target is given more than once/);
  });

  it('an output path that cannot be written fails before training starts', () => {
    const r = myelin(['train', small, '--target', 'label', '-o', '/nonexistent/x.myelin']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/Training/);
    expect(oneLine(r)).toBe('myelin: cannot write the model to /nonexistent/x.myelin: no such file or folder');
    const p = myelin(['train', small, '--target', 'label', '--plots', join(small, 'pictures')]);
    expect(p.code).toBe(1);
    expect(oneLine(p)).toMatch(
      /cannot write pictures to .*small\.csv\/pictures: a part of the path is not a directory/,
    );
    expect(p.stdout).not.toMatch(/Training/);
  });

  it('one wording for missing files, whichever command, naming no library function', () => {
    const missing = join(dir, 'nope.csv');
    const lines = [
      myelin(['train', missing, '--target', 'x']),
      myelin(['predict', missing, small]),
      myelin(['summary', missing]),
      myelin(['predict', model, missing]),
    ].map(oneLine);
    expect(lines).toEqual(Array(4).fill(`myelin: cannot read ${missing}: no such file or folder`));
  });

  it('--log-every thins the per-epoch lines; --version is in --help', () => {
    const r = myelin([
      'train',
      small,
      '--target',
      'label',
      '--epochs',
      '30',
      '--early-stopping',
      '0',
      '--log-every',
      '10',
      '-o',
      join(dir, 's.myelin'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/epoch (\d+)\/30/g)).toEqual(['epoch 1/30', 'epoch 10/30', 'epoch 20/30', 'epoch 30/30']);
    expect(myelin(['--help']).stdout).toMatch(/-v, --version/);
  });

  it('control characters from data are escaped in what is printed; formula-like names are neutralized in CSV output', () => {
    const evil = join(dir, 'evil.csv');
    writeFileSync(
      evil,
      'x\x1b[31m,=cmd|calc,label\n' +
        Array.from({ length: 30 }, (_, i) => `${i % 5},${i % 3},${i % 2 ? '@SUM(1)' : '-x'}`).join('\n') +
        '\n',
    );
    const m = join(dir, 'evil.myelin');
    expect(myelin(['train', evil, '--target', 'label', '-o', m, '--epochs', '5']).code).toBe(0);
    const s = myelin(['summary', m]);
    expect(s.stdout).not.toContain('\x1b');
    expect(s.stdout).toContain('x\\x1b[31m');
    const p = myelin(['predict', m, evil]);
    expect(p.stdout.split('\n')[0]).toBe('prediction,probability_-x,probability_@SUM(1)');
    expect(p.stdout.split('\n')[1]).toMatch(/^'(-x|@SUM\(1\)),/);
    const bad = join(dir, 'binary.csv');
    writeFileSync(bad, 'a,b\n1,\x1b]0;pwned\x07\n');
    const e = myelin(['train', bad, '--target', 'b']);
    expect(e.stderr).not.toMatch(/[\x07\x1b]/);
  });
});

describe('myelin train --memory: a file larger than the budget is streamed', () => {
  it('trains from streamed passes, splits by a stable hash, and saves a model predict reads like any other', () => {
    const m = join(dir, 'streamed.myelin');
    const r = myelin([
      'train',
      data,
      '--target',
      'label',
      '--memory',
      '4KB',
      '--epochs',
      '40',
      '--ignore',
      'id',
      '-o',
      m,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.streamed).toBe(true);
    expect(j.task).toBe('classification');
    expect(j.classNames).toEqual(['no', 'yes']);
    expect(j.features).toEqual(['a', 'b', 'color']);
    expect(j.scores.accuracy).toBeGreaterThan(0.8);
    const p = myelin(['predict', m, fresh]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim().split('\n')).toHaveLength(5);
    expect(myelin(['train', data, '--target', 'label', '--memory', 'lots']).stderr).toMatch(
      /--memory must be a size like 512MB/,
    );
  });

  it('partOf gives each row the same part on every pass, in about the asked proportions', async () => {
    const { partOf } = await import('../lib/cli/train-stream.js');
    const f = { val: 0.2, test: 0.2 };
    const parts = Array.from({ length: 20000 }, (_, i) => partOf(i, 1, f));
    expect(Array.from({ length: 20000 }, (_, i) => partOf(i, 1, f))).toEqual(parts);
    const share = (p: string) => parts.filter((q) => q === p).length / parts.length;
    expect(share('train')).toBeCloseTo(0.6, 1);
    expect(share('test')).toBeCloseTo(0.2, 1);
  });
});

describe('readCsv behind the CLI', () => {
  it('the messy file reads in the library with the same counts', async () => {
    const d = await readCsv(data, {
      target: 'label',
      delimiter: 'auto',
      missing: true,
      categorical: true,
      missingTarget: 'drop',
    });
    expect(d.droppedRows).toBe(messy.missingTargets);
    expect(d.categories![3]).toHaveLength(3);
  });
});

describe('a column missing in every row', () => {
  it('is left out with a note (it was kept, filled with 0, and its untrained weights moved predictions)', () => {
    const r = seededRandom(3);
    let text = 'a,empty,label\n';
    for (let i = 0; i < 60; i++) {
      const a = r() * 2 - 1;
      text += `${a.toFixed(3)},,${a > 0 ? 'yes' : 'no'}\n`;
    }
    const file = join(dir, 'empty-column.csv');
    writeFileSync(file, text);
    const out = join(dir, 'empty-column.myelin');
    const t = myelin(['train', file, '--target', 'label', '-o', out, '--epochs', '5']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toContain(
      'note: "empty" is missing in all 60 rows; it is left out of the features (name it in --features to keep it)',
    );
    const j = JSON.parse(myelin(['train', file, '--target', 'label', '-o', out, '--json', '--epochs', '5']).stdout);
    expect(j.features).toEqual(['a']);
    expect(j.emptyColumns).toEqual(['empty']);
    const rows = join(dir, 'empty-column-rows.csv');
    writeFileSync(rows, 'a,empty\n0.5,\n0.5,1000\n');
    const p = myelin(['predict', out, rows]).stdout.trim().split('\n');
    expect(p[1]).toBe(p[2]);
  });
});

describe('text columns one-hot encoding cannot hold', () => {
  it('a text different on every row is left out as an id; a table too wide to encode is refused before it is built', () => {
    let text = 'a,name,label\n';
    for (let i = 0; i < 40; i++) text += `${i % 7},person ${i},${i % 2 ? 'yes' : 'no'}\n`;
    const file = join(dir, 'names.csv');
    writeFileSync(file, text);
    const t = myelin(['train', file, '--target', 'label', '-o', join(dir, 'names.myelin'), '--epochs', '2']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toContain(
      'note: "name" holds a different text on every row (an id?); it is left out of the features (name it in --features to use it)',
    );
    expect(t.stdout).toContain('Left out as ids: name');
    // 40,000 rows, 20,000 categories: 3.0 GiB of one-hot rows (it allocated until the system ran out of memory).
    let wide = 'a,zip,label\n';
    for (let i = 0; i < 40_000; i++) wide += `${i % 7},z${i % 20_000},${i % 2}\n`;
    const big = join(dir, 'wide.csv');
    writeFileSync(big, wide);
    const w = myelin(['train', big, '--target', 'label', '-o', join(dir, 'wide.myelin')]);
    expect(w.code).toBe(1);
    expect(oneLine(w)).toBe(
      `myelin: ${big}: one-hot encoding "zip" (20000 categories) makes each of the 40000 rows 20001 numbers wide, 3.0 GiB; leave such columns out with --ignore zip`,
    );
  });

  it('streamed (--memory), the chunks of a table too wide to encode are refused before the first is built', () => {
    let wide = 'a,zip,label\n';
    for (let i = 0; i < 70_000; i++) wide += `${i % 7},z${i % 35_000},${i % 2}\n`;
    const big = join(dir, 'wide-streamed.csv');
    writeFileSync(big, wide);
    const w = myelin(['train', big, '--target', 'label', '--memory', '1KB', '-o', join(dir, 'wide-streamed.myelin')]);
    expect(w.code).toBe(1);
    expect(w.stderr.trim().split('\n').at(-1)).toBe(
      `myelin: ${big}: one-hot encoding "zip" (35000 categories) makes the 16384-row chunks 35001 numbers wide, 2.1 GiB; leave such columns out with --ignore zip`,
    );
  });
});
