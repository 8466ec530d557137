import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

// The robustness suite (npm run test:robustness): each test starts its own
// 3-member cluster and injects faults; one file at a time, so faults of one
// scenario do not slow another's cluster.
export default defineConfig({
  // The guide's example imports the package by name, as a user's test would.
  resolve: {
    alias: [
      { find: /^etcdkit\/testing$/, replacement: src('testing/index.ts') },
      { find: /^etcdkit$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/robustness/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
