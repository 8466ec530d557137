import { EtcdLockFailedError } from 'etcd3';
import type { Mutex } from '../../src/index.js';
import { timed, type BenchContext, type Measurement, type Round, type Scenario } from '../scenario.js';
import { percentile } from '../lib/stats.js';

const CONTENDERS = 16;
/** etcd3's Lock cannot wait for a held lock: its contenders retry a failed acquire after this. */
const RETRY_MS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** etcdkit mutexes kept across rounds: their sessions open once, as in a long-running service. */
const held = new Map<string, Mutex[]>();

async function mutexes(ctx: BenchContext, n: number): Promise<Mutex[]> {
  let locks = held.get(ctx.prefix);
  if (!locks) {
    locks = Array.from({ length: n }, () => ctx.etcdkit.newLock(`${ctx.prefix}etcdkit`));
    held.set(ctx.prefix, locks);
    for (const lock of locks) {
      await lock.lock(); // opens the session
      await lock.unlock();
    }
  }
  return locks;
}

async function closeAll(ctx: BenchContext): Promise<void> {
  await Promise.all((held.get(ctx.prefix) ?? []).map((l) => l.close()));
  held.delete(ctx.prefix);
}

/** Runs `op` one at a time for `ms`; reports the median and p99 time of one op. */
async function oneAtATime(ms: number, op: () => Promise<void>): Promise<Measurement> {
  const took: number[] = [];
  const m = await timed(async () => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const t = performance.now();
      await op();
      took.push(performance.now() - t);
    }
    return took.length;
  });
  took.sort((a, b) => a - b);
  return { ...m, figures: { p50: percentile(took, 50), p99: percentile(took, 99) } };
}

/**
 * One lock + unlock at a time. etcd3's Lock grants and revokes a lease on
 * every acquisition (that is how it works); etcdkit's Mutex reuses its session.
 */
export const lockUncontended: Scenario = {
  name: 'lock-uncontended',
  title: 'lock + unlock, uncontended, one at a time',
  unit: 'ops/s',
  labels: { etcdkit: 'etcdkit Mutex', raw: 'etcd3 Lock' },
  figures: { p50: 'lock + unlock p50, ms', p99: 'lock + unlock p99, ms' },
  async setup(ctx) {
    await mutexes(ctx, 1);
  },
  async etcdkit({ ctx, durationMs }) {
    const [lock] = await mutexes(ctx, 1);
    return oneAtATime(durationMs, async () => {
      await lock!.lock();
      await lock!.unlock();
    });
  },
  raw: ({ ctx, durationMs }) =>
    oneAtATime(durationMs, async () => {
      const lock = ctx.raw.lock(`${ctx.prefix}raw`);
      await lock.acquire();
      await lock.release();
    }),
  teardown: closeAll,
};

async function contendedRaw(round: Round) {
  const { ctx, durationMs } = round;
  let handoffs = 0;
  return timed(async () => {
    const end = performance.now() + durationMs;
    const contender = async () => {
      while (performance.now() < end) {
        const lock = ctx.raw.lock(`${ctx.prefix}raw`);
        try {
          await lock.acquire();
        } catch (err) {
          if (!(err instanceof EtcdLockFailedError)) throw err;
          await sleep(RETRY_MS);
          continue;
        }
        handoffs++;
        await lock.release();
      }
    };
    await Promise.all(Array.from({ length: CONTENDERS }, contender));
    return handoffs;
  });
}

async function contendedEtcdkit(round: Round) {
  const { ctx, durationMs } = round;
  const locks = await mutexes(ctx, CONTENDERS);
  let handoffs = 0;
  return timed(async () => {
    const end = performance.now() + durationMs;
    await Promise.all(
      locks.map(async (lock) => {
        while (performance.now() < end) {
          await lock.lock();
          handoffs++;
          await lock.unlock();
        }
      }),
    );
    return handoffs;
  });
}

/** 16 contenders on one lock name; the rate is acquisitions (handoffs) per second. */
export const lockContended: Scenario = {
  name: 'lock-16-contenders',
  title: 'lock handoffs/s, 16 contenders on one lock (etcd3 Lock retries after 5 ms)',
  unit: 'handoffs/s',
  labels: { etcdkit: 'etcdkit Mutex', raw: 'etcd3 Lock' },
  async setup(ctx) {
    await mutexes(ctx, CONTENDERS);
  },
  etcdkit: contendedEtcdkit,
  raw: contendedRaw,
  teardown: closeAll,
};
