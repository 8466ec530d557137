import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Measurement, Round, Scenario } from '../scenario.js';
import { entriesOf } from './data.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./iterate-child.ts', import.meta.url));

const VALUE_BYTES = 256;
const keysFor = (quick: boolean) => (quick ? 20_000 : 100_000);

/** Runs one side in a fresh process (so its peak memory is its own) and reads its measurement. */
async function inChild(side: 'etcdkit' | 'raw', round: Round): Promise<Measurement> {
  const args = ['--expose-gc', '--import', 'tsx', child, side, round.ctx.endpoints.join(','), round.ctx.prefix];
  const { stdout } = await run(process.execPath, args, { timeout: 120_000, maxBuffer: 1 << 20 });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Measurement;
}

/**
 * Reading a whole prefix: etcdkit's paged `iterate()` against etcd3's
 * one-shot `getAll().prefix().buffers()`, each side in its own process.
 */
export const iterate: Scenario = {
  name: 'iterate-100k',
  title: 'iterate a prefix of 100,000 keys of 256 B (20,000 with --quick)',
  unit: 'keys/s',
  labels: { etcdkit: 'etcdkit iterate()', raw: 'etcd3 getAll().prefix()' },
  targets: {
    minRatio: 1.0,
    maxEtcdkitPeakMiB: 64,
    whenMissed:
      'etcd 3.4 walks its index over the whole rest of the range on every limited request, so reading in pages (what bounds memory) costs the server more than one unbounded read; on a 2-core machine the client and etcd also share the CPU.',
  },
  rounds: { full: 5, quick: 2 },
  noWarmup: true,
  async setup(ctx) {
    await ctx.etcdkit.bulkPut(entriesOf(ctx.prefix, keysFor(ctx.quick), VALUE_BYTES), { concurrency: 8 });
  },
  etcdkit: (round) => inChild('etcdkit', round),
  raw: (round) => inChild('raw', round),
};
