import { defineConfig } from 'vitest/config';

// Browser tests: the production build of the web app (`weir web`, built on first use) against a
// private database, driven by Debian's Chromium through playwright-core. Screenshots of failures
// go to e2e/screenshots/.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 120_000,
    // The first start builds the UI (next build).
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
