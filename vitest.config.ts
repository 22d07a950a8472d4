import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI and examples run dist/ in child processes: rebuild it when lib/ is newer.
    // The prebuilt binaries (test/package.test.ts, test/prebuilds-*.test.ts): built when stale.
    globalSetup: ['test/helpers/build-dist.ts', 'test/helpers/build-prebuilds.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
