import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { myelin, oneLine } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = join(dir, 'small.csv');
writeFileSync(
  csv,
  'a,b,label\n' +
    Array.from({ length: 30 }, (_, i) => `${i % 10},${i % 7},${i % 2 ? 'odd' : 'even'}`).join('\n') +
    '\n',
);

describe('myelin help', () => {
  it('lists every command', () => {
    const r = myelin(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['demo', 'train', 'predict', 'evaluate', 'summary'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('prints the command list and exits 2 when no command is given', () => {
    const r = myelin([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Usage: myelin <command>/);
  });

  it('documents each command’s options', () => {
    const train = myelin(['train', '--help']);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/^Usage: myelin train DATA\.csv \[options\]/);
    for (const o of [
      '--target COL',
      '--layers',
      '--activation',
      '--task',
      '--loss',
      '--optimizer',
      '--lr',
      '--momentum',
      '--epochs',
      '--batch-size',
      '--validation-split',
      '--test-split',
      '--early-stopping',
      '--seed',
      '--threads',
      '--out',
      '--plots',
      '--json',
    ])
      expect(train.stdout).toContain(o);
    expect(myelin(['predict', '--help']).stdout).toMatch(/^Usage: myelin predict MODEL DATA\.csv/);
    expect(myelin(['evaluate', '-h']).stdout).toMatch(/--target COL/);
    expect(myelin(['summary', '--help']).stdout).toMatch(/^Usage: myelin summary MODEL/);
    expect(myelin(['demo', '--help']).stdout).toMatch(/--out DIR/);
  });
});

describe('myelin errors: one line, non-zero exit', () => {
  const cases: [string, string[], number, RegExp][] = [
    [
      'an unknown command',
      ['frobnicate'],
      2,
      /unknown command "frobnicate"; commands: demo, train, predict, evaluate, summary/,
    ],
    [
      'an unknown option',
      ['train', csv, '--target', 'label', '--bogus'],
      2,
      /unknown option '--bogus'.*see myelin train --help/,
    ],
    ['a missing file argument', ['train'], 2, /missing DATA\.csv/],
    ['a missing --target', ['train', csv], 2, /--target COL is required/],
    [
      'a non-number',
      ['train', csv, '--target', 'label', '--epochs', 'ten'],
      2,
      /--epochs must be an integer >= 1 and <= 2147483647, got "ten"/,
    ],
    [
      'an epoch count the engine cannot count',
      ['train', csv, '--target', 'label', '--epochs', '1e20'],
      2,
      /--epochs must be an integer >= 1 and <= 2147483647, got "1e20"/,
    ],
    [
      'an integer beyond 2^53',
      ['train', csv, '--target', 'label', '--batch-size', '1e20'],
      2,
      /--batch-size must be an integer >= 1 and <= 9007199254740991, got "1e20"/,
    ],
    [
      'a bad fraction',
      ['train', csv, '--target', 'label', '--validation-split', '1.5'],
      2,
      /--validation-split must be a number >= 0 and <= 0\.9, got "1\.5"/,
    ],
    [
      'bad layer sizes',
      ['train', csv, '--target', 'label', '--layers', '16,x'],
      2,
      /--layers must be comma-separated positive integers like 16,8; got "16,x"/,
    ],
    [
      'an unknown optimizer',
      ['train', csv, '--target', 'label', '--optimizer', 'lbfgs'],
      2,
      /--optimizer must be one of adam, sgd, rmsprop, adagrad, adamw, nadam, adamax; got "lbfgs"/,
    ],
    [
      'an unknown activation',
      ['train', csv, '--target', 'label', '--activation', 'relu6'],
      2,
      /--activation: unknown name 'relu6'; valid names are 'linear', 'relu'/,
    ],
    [
      'an unknown loss',
      ['train', csv, '--target', 'label', '--loss', 'hinje'],
      2,
      /--loss: unknown name 'hinje'; valid names are 'mean_squared_error'/,
    ],
    ['a file that does not exist', ['train', join(dir, 'nope.csv'), '--target', 'label'], 1, /nope\.csv/],
    ['a target column that does not exist', ['train', csv, '--target', 'colour'], 1, /colour/],
    [
      'text asked to be regressed',
      ['train', csv, '--target', 'label', '--task', 'regression'],
      2,
      /--task regression needs a numeric target, but column "label" holds text \(even, odd\)/,
    ],
    ['a model file that does not exist', ['predict', join(dir, 'none.myelin'), csv], 1, /none\.myelin/],
    ['a model file that is not a model', ['summary', csv], 1, /small\.csv/],
  ];
  for (const [what, args, code, message] of cases)
    it(`reports ${what}`, () => {
      const r = myelin(args, dir);
      expect(r.code).toBe(code);
      expect(oneLine(r)).toMatch(message);
      expect(r.stdout).toBe('');
    });

  it('with --json, also prints the error as JSON on stdout', () => {
    const r = myelin(['train', csv, '--target', 'label', '--epochs', '0', '--json'], dir);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: expect.stringMatching(/--epochs must be an integer >= 1 and <= 2147483647, got "0"/),
      exitCode: 2,
    });
  });
});
