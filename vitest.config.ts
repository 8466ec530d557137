import { defineConfig } from 'vitest/config';

// Unit tests (src/) need no etcd, so only the integration projects (test/) have the global setup that starts
// one; vitest runs a project's global setup only when a file of that project is in the run, so
// `npx vitest run src` (or one unit file) starts nothing.
const integration = 'test/**/*.test.ts';
// Files that load a member with thousands of streams and leases whose TTLs must be met: they run alone, after
// the others, so that the other files' load cannot stall a renewal past its TTL.
const alone = ['test/streams-scale.test.ts'];

export default defineConfig({
  test: {
    // The robustness suite has its own command (npm run test:robustness).
    exclude: ['test/robustness/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most integration files spend their time waiting (on etcd, on TTLs, on child processes), not computing:
    // three at once keep a 2-core machine busy where vitest's default (one fewer than the cores) ran them
    // one by one. Each has a shared etcd of its own (test/global-setup.ts). VITEST_MAX_WORKERS overrides it.
    maxWorkers: 3,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [integration],
          exclude: ['test/robustness/**', ...alone],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration-alone',
          include: alone,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
