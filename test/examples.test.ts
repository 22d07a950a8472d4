// Runs each example as a user would (node examples/x.js, importing 'myelin') and checks what it prints.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

function run(file: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'examples', file), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`${file} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describe('examples', () => {
  it('perceptron.js learns the line x + y = 100', () => {
    const out = run('perceptron.js');
    expect(Number(/accuracy ([\d.]+) %/.exec(out)![1])).toBeGreaterThanOrEqual(97);
    expect(Math.abs(Number(/learnt boundary slope (-?[\d.]+)/.exec(out)![1]) + 1)).toBeLessThan(0.15);
    expect(out).toMatch(/Total params: 3/);
  });

  it('circle.js: the perceptron fails, the network succeeds', () => {
    const out = run('circle.js');
    expect(Number(/perceptron 2-1: accuracy ([\d.]+) %/.exec(out)![1])).toBeLessThan(75);
    expect(Number(/network 2-16-16-1: accuracy ([\d.]+) %/.exec(out)![1])).toBeGreaterThanOrEqual(95);
  });

  it('iris.js splits 60/20/20 and classifies the test flowers', () => {
    const out = run('iris.js');
    expect(out).toMatch(/rows: 90 train, 30 validation, 30 test/);
    expect(out).toMatch(/predicted/);
    expect(Number(/test accuracy ([\d.]+) %/.exec(out)![1])).toBeGreaterThanOrEqual(85);
  });

  it('regression.js fits a smooth function', () => {
    const out = run('regression.js');
    expect(Number(/R² (-?[\d.]+)/.exec(out)![1])).toBeGreaterThan(0.95);
  });
});
