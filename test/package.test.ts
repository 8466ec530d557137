import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let out: string;

// The published package: dual ESM + CJS with types, built by tsup.
beforeAll(async () => {
  // Inside the project, so the build's imports resolve to its node_modules.
  await mkdir('.tmp', { recursive: true });
  out = await mkdtemp(join(process.cwd(), '.tmp', 'dist-'));
  await run('npx', ['--no-install', 'tsup', '--out-dir', out], { timeout: 180_000 });
}, 200_000);
afterAll(() => rm(out, { recursive: true, force: true }));

describe('package build', () => {
  it('loads as ESM and as CommonJS, with the same public names', async () => {
    const esm = await import(join(out, 'index.js'));
    const { stdout } = await run(process.execPath, [
      '-e',
      `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(join(out, 'index.cjs'))})).sort()))`,
    ]);
    expect(JSON.parse(stdout)).toEqual(Object.keys(esm).sort());
    expect(typeof esm.Client.connect).toBe('function');
    expect(typeof esm.Config.defaults).toBe('function');
    const testing = await import(join(out, 'testing', 'index.js'));
    expect(typeof testing.startEtcd).toBe('function');
  });

  it('ships etcdkit/opentelemetry as its own entry, and only it loads @opentelemetry/api', async () => {
    const otel = await import(join(out, 'opentelemetry', 'index.js'));
    expect(typeof otel.openTelemetry).toBe('function');
    const cjs = join(out, 'opentelemetry', 'index.cjs');
    const { stdout } = await run(process.execPath, [
      '-e',
      `console.log(typeof require(${JSON.stringify(cjs)}).openTelemetry)`,
    ]);
    expect(stdout.trim()).toBe('function');
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(out, { recursive: true })).filter(
      (f) => /\.(c?js)$/.test(f) && !f.startsWith('opentelemetry'),
    );
    for (const file of files) expect(await readFile(join(out, file), 'utf8'), file).not.toContain('@opentelemetry/api');
  });

  it("declares its types without etcd3's or gRPC's", async () => {
    for (const file of ['index.d.ts', 'index.d.cts', join('testing', 'index.d.ts')]) {
      const dts = await readFile(join(out, file), 'utf8');
      expect(dts).not.toMatch(/from ['"](etcd3|@grpc\/grpc-js)['"]/);
    }
  });
});
