import { randomBytes } from 'node:crypto';
import { closedLoop, type BenchContext, type Round, type Scenario } from '../scenario.js';
import { keyAt } from './data.js';

const KV_NOTE =
  "etcdkit's own code is about 1 % of the client's CPU samples here (see bench/README.md); a put waits for the server's fsync, on a disk and CPUs other work shares, so ratios move from run to run: judge by the paired ratio, the client CPU per op and repeated runs.";

/** Distinct keys each put/get side cycles through (keeps the database small). */
const KEYS = 1000;
const VALUE = randomBytes(1024);

type Op = (ctx: BenchContext, key: string) => Promise<unknown>;

type Side = 'etcdkit' | 'raw' | 'floor';

/** A closed loop of `concurrency` callers doing `op` over {@link KEYS} keys, each side under its own prefix. */
function loop(op: 'put' | 'get', concurrency: number, sides: Record<Side, Op>, setup?: Scenario['setup']): Scenario {
  const side = (name: Side) => (round: Round) => {
    const p = `${round.ctx.prefix}${name}/`;
    return closedLoop(concurrency, round.durationMs, (i) => sides[name](round.ctx, keyAt(p, i % KEYS)));
  };
  return {
    name: `${op}-1k-c${concurrency}`,
    title: `${op}, 1 KiB values, concurrency ${concurrency}`,
    unit: 'ops/s',
    targets: { minRatio: 1, maxCpuRatio: 1, whenMissed: KV_NOTE },
    // The three sides take turns in short slices: each samples the same background load (see bench/README.md).
    sliceMs: 250,
    ...(setup ? { setup } : {}),
    etcdkit: side('etcdkit'),
    raw: side('raw'),
    floor: side('floor'),
  };
}

async function loadKeys(ctx: BenchContext): Promise<void> {
  const entries = new Map<string, Buffer>();
  for (const side of ['etcdkit', 'raw', 'floor'])
    for (let i = 0; i < KEYS; i++) entries.set(keyAt(`${ctx.prefix}${side}/`, i), VALUE);
  await ctx.etcdkit.bulkPut(entries);
}

const put = (concurrency: number) =>
  loop('put', concurrency, {
    etcdkit: (ctx, key) => ctx.etcdkit.put(key, VALUE),
    raw: (ctx, key) => ctx.raw.put(key).value(VALUE).exec(),
    floor: (ctx, key) => ctx.floor.put(key, VALUE),
  });

const get = (concurrency: number) =>
  loop(
    'get',
    concurrency,
    {
      etcdkit: (ctx, key) => ctx.etcdkit.get(key),
      raw: (ctx, key) => ctx.raw.get(key).buffer(),
      floor: (ctx, key) => ctx.floor.get(key),
    },
    loadKeys,
  );

const COUNTED = 10_000;

/** Counting the keys under a prefix of 10,000 keys (the server walks its index; no key is transferred). */
export const count: Scenario = {
  name: 'count-10k',
  title: 'count a prefix of 10,000 keys, concurrency 1',
  unit: 'ops/s',
  targets: { minRatio: 0.95 },
  async setup(ctx) {
    const entries = new Map<string, string>();
    for (let i = 0; i < COUNTED; i++) entries.set(keyAt(ctx.prefix, i), 'x');
    await ctx.etcdkit.bulkPut(entries);
  },
  etcdkit: ({ ctx, durationMs }) => closedLoop(1, durationMs, () => ctx.etcdkit.count(ctx.prefix)),
  raw: ({ ctx, durationMs }) => closedLoop(1, durationMs, () => ctx.raw.getAll().prefix(ctx.prefix).count()),
};

export const put1 = put(1);
export const put64 = put(64);
export const get1 = get(1);
export const get64 = get(64);
