import { defineConfig } from 'tsup';

/** The library's entry points: built as ESM and CommonJS, with declarations. */
const LIBRARY = ['index', 'testing/index', 'opentelemetry/index'];

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'cli/main': 'src/cli/main.ts',
    'opentelemetry/index': 'src/opentelemetry/index.ts',
  },
  format: ['esm', 'cjs'],
  // The CLI is a program, not an API: no declarations for it, and only the ESM build that `bin`
  // runs (a CommonJS copy would be shipped and never used).
  dts: {
    entry: {
      index: 'src/index.ts',
      'testing/index': 'src/testing/index.ts',
      'opentelemetry/index': 'src/opentelemetry/index.ts',
    },
  },
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.entryPoints = Object.fromEntries(LIBRARY.map((e) => [e, `src/${e}.ts`]));
  },
  // No source maps: they were more than half of the package and pointed at src/, which is not shipped.
  sourcemap: false,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  // Keeps class names (`KeyNotFoundError`, `Client`) as written: without it the CommonJS build's
  // class-field transform names every class `_classN`, and esbuild names some ESM classes `_Client`.
  keepNames: true,
  external: ['etcd3', 'cockatiel', 'testcontainers', '@opentelemetry/api'],
});
