// vitest globalSetup: the CLI and example tests run dist/ in child processes, so rebuild it first when
// any source under lib/ is newer than the build (a fresh clone's `npm ci` has already built it).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
// @ts-expect-error: a plain .mjs script, no types
import { withLock } from './setup-lock.mjs';

const root = resolve(import.meta.dirname, '../..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Held while checking and building: a second run waits, then finds dist/ fresh. */
export const SETUP_LOCK = join(root, '.cache/test-setup.lock');

export default async function setup(): Promise<void> {
  const built = join(root, 'dist/cli/main.js');
  const fresh = () => existsSync(built) && statSync(built).mtimeMs >= newest(join(root, 'lib'));
  if (fresh()) return;
  await withLock(SETUP_LOCK, () => {
    if (fresh()) return;
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
      stdio: 'inherit',
    });
  });
}
