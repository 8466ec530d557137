/**
 * Lock benchmark: etcdkit's Mutex against etcd3's Lock, in the same run.
 *
 *   npx tsx bench/locks.ts            (starts a throwaway etcd)
 *   ETCD_ENDPOINTS=http://127.0.0.1:2379 npx tsx bench/locks.ts
 *
 * - uncontended: one lock + unlock, one at a time (etcdkit's session is open
 *   already, as in a long-running service; etcd3's Lock grants and revokes a
 *   lease on every acquisition, which is how it works).
 * - contended: 16 contenders on one lock name for a fixed time; handoffs/s =
 *   acquisitions per second. etcd3's Lock cannot wait, so its contenders retry
 *   a failed acquire after 5 ms.
 *
 * Rounds are interleaved so both sides see the same machine state.
 */
import { randomBytes } from 'node:crypto';
import { Etcd3, EtcdLockFailedError } from 'etcd3';
import { Client, Config } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';

const ROUNDS = 3;
const UNCONTENDED_OPS = 100;
const CONTENDERS = 16;
const CONTENDED_MS = 3_000;
const RETRY_MS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;

async function uncontendedKit(client: Client, name: string): Promise<number[]> {
  await using lock = client.newLock(name);
  await lock.lock(); // opens the session outside the measurement
  await lock.unlock();
  const samples: number[] = [];
  for (let i = 0; i < UNCONTENDED_OPS; i++) {
    const t = performance.now();
    await lock.lock();
    await lock.unlock();
    samples.push(performance.now() - t);
  }
  return samples;
}

async function uncontendedEtcd3(etcd: Etcd3, name: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < UNCONTENDED_OPS; i++) {
    const t = performance.now();
    const lock = etcd.lock(name);
    await lock.acquire();
    await lock.release();
    samples.push(performance.now() - t);
  }
  return samples;
}

async function contendedKit(client: Client, name: string): Promise<number> {
  const locks = Array.from({ length: CONTENDERS }, () => client.newLock(name));
  await Promise.all(locks.map(async (l) => (await l.tryLock()) && l.unlock())); // open sessions first
  let handoffs = 0;
  const end = Date.now() + CONTENDED_MS;
  const t = performance.now();
  await Promise.all(
    locks.map(async (lock) => {
      while (Date.now() < end) {
        await lock.lock();
        handoffs++;
        await lock.unlock();
      }
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  await Promise.all(locks.map((l) => l.close()));
  return handoffs / seconds;
}

async function contendedEtcd3(etcd: Etcd3, name: string): Promise<number> {
  let handoffs = 0;
  const end = Date.now() + CONTENDED_MS;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONTENDERS }, async () => {
      while (Date.now() < end) {
        const lock = etcd.lock(name);
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
    }),
  );
  return handoffs / ((performance.now() - t) / 1000);
}

async function main(): Promise<void> {
  const started = Date.now();
  const etcd = await startEtcd();
  const client = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
  const raw = new Etcd3({ hosts: etcd.endpoints });
  const base = `/bench/locks-${randomBytes(4).toString('hex')}`;
  const results = { kitLatency: [] as number[], etcd3Latency: [] as number[], kitRate: [] as number[], etcd3Rate: [] as number[] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      results.kitLatency.push(...(await uncontendedKit(client, `${base}/u-kit-${round}`)));
      results.etcd3Latency.push(...(await uncontendedEtcd3(raw, `${base}/u-etcd3-${round}`)));
      results.kitRate.push(await contendedKit(client, `${base}/c-kit-${round}`));
      results.etcd3Rate.push(await contendedEtcd3(raw, `${base}/c-etcd3-${round}`));
      console.error(`round ${round + 1}/${ROUNDS} done`);
    }
  } finally {
    await client.close();
    raw.close();
    await etcd.stop();
  }
  const kitMed = median(results.kitLatency);
  const etcd3Med = median(results.etcd3Latency);
  const kitRate = median(results.kitRate);
  const etcd3Rate = median(results.etcd3Rate);
  const fmt = (n: number) => n.toFixed(2);
  console.log(`\nLocks (etcd from ${etcd.source}; ${ROUNDS} interleaved rounds)\n`);
  console.log('| measure | etcdkit Mutex | etcd3 Lock | etcdkit / etcd3 |');
  console.log('|---|---|---|---|');
  console.log(`| uncontended lock+unlock, median ms (${ROUNDS * UNCONTENDED_OPS} ops) | ${fmt(kitMed)} | ${fmt(etcd3Med)} | ${fmt(kitMed / etcd3Med)}x |`);
  console.log(`| uncontended lock+unlock, p99 ms | ${fmt(p99(results.kitLatency))} | ${fmt(p99(results.etcd3Latency))} | |`);
  console.log(`| contended handoffs/s, ${CONTENDERS} contenders, median of rounds | ${kitRate.toFixed(0)} | ${etcd3Rate.toFixed(0)} | ${fmt(kitRate / etcd3Rate)}x |`);
  console.log(`\nper-round handoffs/s: etcdkit ${results.kitRate.map((r) => r.toFixed(0)).join(', ')}; etcd3 ${results.etcd3Rate.map((r) => r.toFixed(0)).join(', ')}`);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
