import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'cli/main': 'src/cli/main.ts',
    'opentelemetry/index': 'src/opentelemetry/index.ts',
  },
  format: ['esm', 'cjs'],
  // The CLI is a program, not an API: no declarations for it.
  dts: {
    entry: {
      index: 'src/index.ts',
      'testing/index': 'src/testing/index.ts',
      'opentelemetry/index': 'src/opentelemetry/index.ts',
    },
  },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  external: ['etcd3', 'cockatiel', 'testcontainers', '@opentelemetry/api'],
});
