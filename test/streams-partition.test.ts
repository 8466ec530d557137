/**
 * A follower of a 3-member cluster cut off from its peers (clients still reach
 * it): the streams it serves are cancelled for "no leader" (require-leader)
 * and resume on the majority, losing and repeating nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Config, LockLostError, type Mirror, type Mutex, type Watch } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { watchStreams } from './metrics.js';
import { eventually, within } from './waits.js';

let etcd: EtcdHandle;
const config = (...endpoints: string[]) =>
  Config.defaults()
    .withEndpoints(...endpoints)
    .withTimeout(2000);

beforeAll(async () => {
  etcd = await startEtcd({ members: 3 });
});
afterAll(async () => {
  await etcd?.stop();
});
// A test that fails mid-way must not leave the next one a partitioned cluster.
afterEach(async () => {
  await etcd?.heal();
});

async function followers(): Promise<number[]> {
  let leader = -1;
  await eventually(20_000, async () => {
    leader = await etcd.leader();
    expect(leader).toBeGreaterThanOrEqual(0);
  });
  return [0, 1, 2].filter((i) => i !== leader);
}

/** The member whose watch streams grew while `open` ran (nothing else opens streams on this cluster meanwhile). */
async function memberOf(open: () => Promise<void>): Promise<number> {
  const before = await Promise.all(etcd.endpoints.map(watchStreams));
  await open();
  let at = -1;
  await eventually(5_000, async () => {
    const after = await Promise.all(etcd.endpoints.map(watchStreams));
    at = after.findIndex((n, i) => n > before[i]!);
    expect(at).toBeGreaterThanOrEqual(0);
  });
  return at;
}

/**
 * A client of every member but `cut`. Its writes get a long deadline: under load the majority may
 * hold an election while the test runs, and these writes are the test's input, not what it measures.
 */
const majority = (cut: number) =>
  Client.connect(config(...etcd.endpoints.filter((_, i) => i !== cut)).withTimeout(15_000));

/** Partitions `cut`, first handing leadership away from it if it became the leader meanwhile. */
async function partitionFollower(cut: number, via: Client): Promise<void> {
  if ((await etcd.leader()) === cut) {
    const other = (await via.status()).find((s) => s.endpoint !== etcd.endpoints[cut] && !s.isLeader);
    if (other?.memberId) await via.maintenance.moveLeader(other.memberId);
  }
  await etcd.partition(cut);
}

describe('partition() of a follower', () => {
  it('every watch, mirror and lock waiter it served resumes on the majority; nothing lost or repeated, also after heal()', async () => {
    const [cut] = await followers();
    // Watches on clients of every member, until one client's shared stream is on the follower to cut.
    const clients: Client[] = [];
    const seen: string[][] = [];
    const watches: Watch[] = [];
    const mirrors: Mirror[] = [];
    const placed: number[] = [];
    while (!placed.includes(cut!) || placed.length < 3) {
      expect(clients.length).toBeLessThan(30);
      const c = await Client.connect(config(...etcd.endpoints));
      clients.push(c);
      placed.push(
        await memberOf(async () => {
          for (let i = 0; i < 3; i++) {
            const list: string[] = [];
            seen.push(list);
            watches.push(
              (await c.watchPrefix('ev/', { callback: (e) => void list.push(e.value.toString()) })) as Watch,
            );
          }
          mirrors.push(await c.mirror('ev/'));
        }),
      );
    }
    // Lock waiters the same way: each client's waits share one stream.
    const writer = await majority(cut!);
    const holders: Mutex[] = [];
    const waiters: Mutex[] = [];
    const acquired: Array<Promise<void>> = [];
    const waitersPlaced: number[] = [];
    while (!waitersPlaced.includes(cut!) || waitersPlaced.length < 3) {
      expect(waiters.length).toBeLessThan(30);
      const i = waiters.length;
      const c = await Client.connect(config(...etcd.endpoints));
      clients.push(c);
      const holder = writer.newLock(`lock${i}`);
      await holder.lock();
      holders.push(holder);
      const waiter = c.newLock(`lock${i}`);
      waiters.push(waiter);
      waitersPlaced.push(
        await memberOf(async () => {
          acquired.push(waiter.lock({ timeoutMs: 120_000 }));
          await eventually(10_000, async () => expect(await writer.count(`lock${i}/`)).toBe(2));
        }),
      );
    }

    const t0 = Date.now();
    await partitionFollower(cut!, writer);
    const expected = Array.from({ length: 20 }, (_, i) => `v${i}`);
    for (const [i, v] of expected.entries()) await writer.put(`ev/${i}`, v);
    await eventually(60_000, () => {
      for (const list of seen) expect(list).toEqual(expected);
      for (const m of mirrors) expect(m.size).toBe(20);
    });
    console.log(`[partition] every watch had every event ${Date.now() - t0} ms after partition()`);
    await Promise.all(holders.map((h) => h.unlock()));
    await within(60_000, Promise.all(acquired), 'lock waiters');
    await Promise.all(waiters.map((w) => w.unlock()));

    await etcd.heal();
    const after = ['h0', 'h1', 'h2', 'h3', 'h4'];
    for (const v of after) {
      // Right after heal() the rejoining member may force an election: a put can fail after it applied,
      // so retry a create-if-absent (applied at most once) rather than a put.
      await eventually(20_000, () => writer.putIfAbsent(`ev/${v}`, v).then(() => undefined));
    }
    await eventually(60_000, () => {
      for (const list of seen) expect(list).toEqual([...expected, ...after]);
      for (const m of mirrors) expect(m.size).toBe(25);
    });
    expect(watches.every((w) => w.pending === 0)).toBe(true);
    await Promise.all([...watches, ...mirrors].map((w) => w.close()));
    await Promise.all([writer, ...clients].map((c) => c.close()));
  }, 240_000);

  it('a lock holder whose only member is partitioned is told (lost) within its lease TTL', async () => {
    const [cut] = await followers();
    const ttl = 4;
    const holderClient = await Client.connect(config(etcd.endpoints[cut!]!));
    const session = await holderClient.session({ ttl });
    const lock = holderClient.newLock('lost-lock', { session });
    await lock.lock();
    try {
      await etcd.partition(cut!);
      const t0 = Date.now();
      // The client gives up when its TTL passes without an acknowledged renewal: slack for scheduling only.
      const reason = await within(ttl * 1000 + 2_000, lock.lost, 'lost');
      console.log(`[partition] lock holder told ${Date.now() - t0} ms after partition() (TTL ${ttl} s)`);
      expect(reason).toBeInstanceOf(LockLostError);
    } finally {
      await etcd.heal();
      await holderClient.close();
    }
  });
});
