// Runs the built `myelin` command in a child process, as a user's shell would.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { seededRandom } from '../../lib/random.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = resolve(ROOT, 'dist/cli/main.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function myelin(args: string[], cwd = ROOT): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, MYELIN_DEBUG: '' },
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `myelin train data --target label --epochs 2 ...extra -o model --json`, which must succeed: its JSON report. */
export function trainReport(data: string, extra: string[], model: string): Record<string, unknown> {
  const r = myelin(['train', data, '--target', 'label', '--epochs', '2', ...extra, '-o', model, '--json']);
  if (r.code !== 0) throw new Error(`myelin train exited with ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The stderr of a failed command is a single line without a stack trace. */
export function oneLine(r: Run): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  if (lines.length !== 1 || /^\s+at /m.test(r.stderr)) throw new Error(`expected one error line, got:\n${r.stderr}`);
  return lines[0]!;
}

/** House prices: price = 1500·size + 8000·rooms − 900·age + 20000 + noise (a regression CSV). */
export function housesCsv(n: number, seed: number): string {
  const r = seededRandom(seed);
  let s = 'size,rooms,age,price\n';
  for (let i = 0; i < n; i++) {
    const size = 40 + r() * 160;
    const rooms = 1 + Math.floor(r() * 6);
    const age = r() * 80;
    const price = 1500 * size + 8000 * rooms - 900 * age + 20000 + (r() - 0.5) * 10000;
    s += `${size.toFixed(1)},${rooms},${age.toFixed(1)},${price.toFixed(0)}\n`;
  }
  return s;
}
