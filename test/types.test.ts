// The published types (dist/*.d.ts, with stripInternal): test/types/identifiers.ts must compile, so
// every `@ts-expect-error` in it (misspelled names, @internal members) is a real compile-time error.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

it('names are typed as unions of what myelin knows; @internal members are not published', () => {
  const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', resolve(root, 'test/types/tsconfig.json')], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});
