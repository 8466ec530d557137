import { randomBytes } from 'node:crypto';
import { closedLoop, type BenchContext, type Scenario } from '../scenario.js';
import { keyAt } from './data.js';

/** Distinct keys each put/get side cycles through (keeps the database small). */
const KEYS = 1000;
const VALUE = randomBytes(1024);

function putScenario(concurrency: number): Scenario {
  return {
    name: `put-1k-c${concurrency}`,
    title: `put, 1 KiB values, concurrency ${concurrency}`,
    unit: 'ops/s',
    targets: { minRatio: 0.95 },
    etcdkit: ({ ctx, durationMs }) => {
      const p = `${ctx.prefix}etcdkit/`;
      return closedLoop(concurrency, durationMs, (i) => ctx.etcdkit.put(keyAt(p, i % KEYS), VALUE));
    },
    raw: ({ ctx, durationMs }) => {
      const p = `${ctx.prefix}raw/`;
      return closedLoop(concurrency, durationMs, (i) => ctx.raw.put(keyAt(p, i % KEYS)).value(VALUE).exec());
    },
  };
}

async function loadKeys(ctx: BenchContext): Promise<void> {
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < KEYS; i++) entries.set(keyAt(ctx.prefix, i), VALUE);
  await ctx.etcdkit.bulkPut(entries);
}

function getScenario(concurrency: number): Scenario {
  return {
    name: `get-1k-c${concurrency}`,
    title: `get, 1 KiB values, concurrency ${concurrency}`,
    unit: 'ops/s',
    targets: { minRatio: 0.95 },
    setup: loadKeys,
    etcdkit: ({ ctx, durationMs }) => closedLoop(concurrency, durationMs, (i) => ctx.etcdkit.get(keyAt(ctx.prefix, i % KEYS))),
    raw: ({ ctx, durationMs }) => closedLoop(concurrency, durationMs, (i) => ctx.raw.get(keyAt(ctx.prefix, i % KEYS)).buffer()),
  };
}

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

export const put1 = putScenario(1);
export const put64 = putScenario(64);
export const get1 = getScenario(1);
export const get64 = getScenario(64);
