import { defineConfig } from 'vitest/config';

// Unit and integration tests: everything next to the code, against real services.
// Browser tests live in e2e/ and have their own config.
export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/web/{app,lib,components}/**/*.test.{ts,tsx}',
      'dags/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'e2e/**'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Type tests (*.test-d.ts): tsc checks them, so an `expectTypeOf` that does not hold and a
    // `@ts-expect-error` line that is no error fail `npm test`.
    typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
