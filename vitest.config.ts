import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI and examples run dist/ in child processes: rebuild it when lib/ is newer.
    globalSetup: ['test/helpers/build-dist.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
