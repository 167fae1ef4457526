import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { MAILOPS_VERSION: JSON.stringify(pkg.version) },
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    restoreMocks: true,
    // Two cores: the lab's servers need CPU too.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Seconds, no lab, no root, no build: `npm run test:unit`.
        test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'] },
      },
      {
        extends: true,
        test: {
          name: 'lab',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/unit/**'],
          // One lab of real servers for the whole run; tests read it with inject('lab').
          globalSetup: ['test/helpers/lab-setup.ts'],
        },
      },
    ],
  },
});
