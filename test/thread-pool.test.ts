// The thread pool under ThreadSanitizer: test/native/pool_stress.cc built with native/core/thread_pool.cc and
// -fsanitize=thread, outside Node (which is not instrumented). The pool publishes each job with relaxed and release
// stores before one read-modify-write: a store made relaxed that a late worker needs ordered is a data race here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const gxx = spawnSync('g++', ['--version']).status === 0;

describe('thread pool', () => {
  it.runIf(gxx && process.platform === 'linux' && process.arch === 'x64')(
    'runs every task once, with no data race ThreadSanitizer sees',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'myelin-pool-'));
      try {
        const exe = join(dir, 'pool_stress');
        const build = spawnSync(
          'g++',
          [
            '-std=c++17',
            '-O1',
            '-g',
            '-fsanitize=thread',
            `-I${root}/native`,
            'test/native/pool_stress.cc',
            'native/core/thread_pool.cc',
            '-o',
            exe,
            '-pthread',
          ],
          { cwd: root, encoding: 'utf8' },
        );
        expect(build.stderr).toBe('');
        const run = spawnSync(exe, [], {
          encoding: 'utf8',
          timeout: 120_000,
          env: { ...process.env, TSAN_OPTIONS: 'halt_on_error=1' },
        });
        expect(run.stderr.slice(0, 3000)).toBe('');
        expect({ status: run.status, out: run.stdout.trim() }).toEqual({ status: 0, out: 'ok' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
