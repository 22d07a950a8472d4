// vitest globalSetup: the prebuilt binaries this machine can make (scripts/prebuilds.mjs), built once
// per run and only when a native source is newer, for test/package.test.ts and test/prebuilds-*.
// A missing cross compiler skips its target here; the tests of that target then say so.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { SETUP_LOCK } from './build-dist.js';
// @ts-expect-error: a plain .mjs script, no types
import { withLock } from './setup-lock.mjs';

export default async function setup(): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  // Two runs at once would compile into the same .cache/prebuild folders: one at a time.
  await withLock(SETUP_LOCK, () =>
    execFileSync(process.execPath, [resolve(root, 'scripts/prebuilds.mjs'), '--if-available', '--if-stale'], {
      cwd: root,
      stdio: 'inherit',
    }),
  );
}
