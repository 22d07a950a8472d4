// The globalSetup of two vitest runs started together in one checkout: one builds, the other waits.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETUP_LOCK } from './helpers/build-dist.js';
import setupPrebuilds from './helpers/build-prebuilds.js';

const lockModule = resolve(__dirname, 'helpers/setup-lock.mjs');

/** A child that holds `lock` for `ms`, logging when it enters and leaves to `log`. */
function holder(lock: string, log: string, ms: number) {
  const script =
    `import { appendFileSync } from 'node:fs'; import { withLock } from ${JSON.stringify(lockModule)};` +
    `await withLock(${JSON.stringify(lock)}, async () => {` +
    `appendFileSync(${JSON.stringify(log)}, 'in ' + process.pid + ' ' + Date.now() + '\\n');` +
    `await new Promise((r) => setTimeout(r, ${ms}));` +
    `appendFileSync(${JSON.stringify(log)}, 'out ' + process.pid + ' ' + Date.now() + '\\n'); });`;
  const p = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  return new Promise<number>((done) => p.on('exit', (code) => done(code ?? -1)));
}

const events = (log: string) =>
  readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '));

describe('setup lock', () => {
  it('lets one process at a time in', async () => {
    const d = mkdtempSync(join(tmpdir(), 'myelin-lock-'));
    const log = join(d, 'log');
    const lock = join(d, 'sub', 'setup.lock');
    expect(await Promise.all([holder(lock, log, 300), holder(lock, log, 300), holder(lock, log, 300)])).toEqual([
      0, 0, 0,
    ]);
    const e = events(log);
    expect(e.map((x) => x[0])).toEqual(['in', 'out', 'in', 'out', 'in', 'out']);
    for (let k = 0; k < 6; k += 2) expect(e[k]![1]).toBe(e[k + 1]![1]); // each leaves before the next enters
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose owner is gone', async () => {
    const d = mkdtempSync(join(tmpdir(), 'myelin-lock-'));
    const lock = join(d, 'setup.lock');
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(lock, gone.stdout.trim());
    expect(await holder(lock, join(d, 'log'), 0)).toBe(0);
    expect(events(join(d, 'log')).map((x) => x[0])).toEqual(['in', 'out']);
  });

  it("the prebuilds' setup waits for another run holding the checkout's lock", async () => {
    const d = mkdtempSync(join(tmpdir(), 'myelin-lock-'));
    const log = join(d, 'log');
    const other = holder(SETUP_LOCK, log, 3000);
    while (!existsSync(log)) await new Promise((r) => setTimeout(r, 20));
    await setupPrebuilds();
    const done = Date.now();
    expect(await other).toBe(0);
    const left = Number(events(log).find((x) => x[0] === 'out')![2]);
    expect(done).toBeGreaterThanOrEqual(left);
  });
});
