import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../bench/lib/results.js';
import { scenarios } from '../bench/scenarios/index.js';

const run = promisify(execFile);

// Figures are not checked against targets here: on a shared machine they are noise.
// This checks that the harness runs end to end and reports every scenario.
describe('npm run bench -- --quick', () => {
  it('runs every scenario on both sides and writes the results as JSON', { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'etcdkit-bench-'));
    try {
      const file = join(dir, 'results.json');
      // A throwaway etcd of its own, never the suite's shared one.
      const env = { ...process.env, ETCD_ENDPOINTS: '' };
      await run('npm', ['run', 'bench', '--', '--quick', '--json', file], {
        env,
        timeout: 230_000,
        maxBuffer: 1 << 24,
      });
      const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
      expect(results.quick).toBe(true);
      expect(results.scenarios.map((s) => s.name)).toEqual(scenarios.map((s) => s.name));
      for (const s of results.scenarios) {
        for (const side of [s.etcdkit, s.raw]) {
          expect(side.median, `${s.name}`).toBeGreaterThan(0);
          expect(side.samples.length, `${s.name}`).toBe(s.rounds);
          expect(
            side.samples.every((v) => v > 0 && Number.isFinite(v)),
            `${s.name}`,
          ).toBe(true);
        }
        expect(s.ratio).toBeGreaterThan(0);
        for (const name of Object.keys(s.figures ?? {})) {
          for (const side of [s.etcdkit, s.raw])
            expect(side.figures?.[name]?.median, `${s.name} ${name}`).toBeGreaterThanOrEqual(0);
        }
      }
      const iterate = results.scenarios.find((s) => s.name === 'iterate-100k')!;
      expect(iterate.etcdkit.peakMiB?.median).toBeGreaterThan(0);
      expect(iterate.raw.peakMiB?.median).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
