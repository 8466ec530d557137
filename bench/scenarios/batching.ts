import { randomBytes } from 'node:crypto';
import { Client, Config } from '../../src/index.js';
import { closedLoop, type BenchContext, type Scenario } from '../scenario.js';
import { keyAt } from './data.js';

// Batching and consistency, each side by side with raw etcd3 doing the plain
// equivalent. The harness's shared client has read batching off (the plain
// put/get scenarios measure the call path alone); these open their own.

const KEYS = 1000;
const VALUE = randomBytes(1024);
const NOTE =
  'Batching gains grow with concurrency and with server-side cost per request; on a shared 2-core machine the etcd server competes with the client for CPU, so ratios move from run to run.';

// Both sides here are CPU-bound on a small machine (client, etcd and whatever else runs share the cores), so
// their rates follow the background load of the moment: taking turns in short slices, both sample the same load.
const SLICE_MS = 250;

async function loadKeys(ctx: BenchContext): Promise<void> {
  const entries = new Map<string, Buffer>();
  for (const side of ['etcdkit', 'raw'])
    for (let i = 0; i < KEYS; i++) entries.set(keyAt(`${ctx.prefix}${side}/`, i), VALUE);
  await ctx.etcdkit.bulkPut(entries);
}

/** A scenario whose etcdkit side uses a client of its own, made from `config`. */
function withClient(
  base: Omit<Scenario, 'etcdkit' | 'raw' | 'setup' | 'teardown'>,
  config: (c: Config) => Config,
  load: boolean,
  ops: {
    etcdkit: (c: Client, key: string) => Promise<unknown>;
    raw: (ctx: BenchContext, key: string) => Promise<unknown>;
  },
): Scenario {
  let client: Client | undefined;
  return {
    ...base,
    sliceMs: SLICE_MS,
    async setup(ctx) {
      client = await Client.connect(config(Config.defaults().withEndpoints(...ctx.endpoints)));
      if (load) await loadKeys(ctx);
    },
    async teardown() {
      await client?.close();
    },
    etcdkit: ({ ctx, durationMs }) =>
      closedLoop(64, durationMs, (i) => ops.etcdkit(client!, keyAt(`${ctx.prefix}etcdkit/`, i % KEYS))),
    raw: ({ ctx, durationMs }) => closedLoop(64, durationMs, (i) => ops.raw(ctx, keyAt(`${ctx.prefix}raw/`, i % KEYS))),
  };
}

/** get c=64 with read batching (the default) against raw etcd3's plain gets. */
export const getBatched = withClient(
  {
    name: 'get-1k-c64-batched',
    title: 'get, 1 KiB values, concurrency 64, read batching on (the default)',
    unit: 'ops/s',
    targets: { minRatio: 5, whenMissed: NOTE },
  },
  (c) => c,
  true,
  { etcdkit: (c, key) => c.get(key), raw: (ctx, key) => ctx.raw.get(key).buffer() },
);

/** Serializable get c=64 (batched among themselves) against raw etcd3's serializable gets. */
export const getSerializable = withClient(
  {
    name: 'get-1k-c64-serializable',
    title: 'serializable get, 1 KiB values, concurrency 64 (read batching on)',
    unit: 'ops/s',
    targets: { minRatio: 1, whenMissed: NOTE },
  },
  (c) => c.withReadConsistency('serializable'),
  true,
  { etcdkit: (c, key) => c.get(key), raw: (ctx, key) => ctx.raw.get(key).serializable(true).buffer() },
);

/** put c=64 with write batching against raw etcd3's plain puts. */
export const putBatched = withClient(
  {
    name: 'put-1k-c64-write-batched',
    title: 'put, 1 KiB values, concurrency 64, write batching on',
    unit: 'ops/s',
    targets: { minRatio: 2, whenMissed: NOTE },
  },
  (c) => c.withWriteBatching(),
  false,
  { etcdkit: (c, key) => c.put(key, VALUE), raw: (ctx, key) => ctx.raw.put(key).value(VALUE).exec() },
);
