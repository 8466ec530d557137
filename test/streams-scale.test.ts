/**
 * Many watches and leases on one client share a few gRPC streams, counted by
 * etcd itself (/metrics on its client port).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Lease, Watch, WatchEvent } from '../src/index.js';
import type { EtcdHandle } from '../src/testing/index.js';
import { WatchPool } from '../src/watch/pool.js';
import { coreOf } from '../src/internal.js';
import { keepAliveStreams, watchStreams } from './metrics.js';
import { eventually, within } from './waits.js';
import { startOwnEtcd, stopOwnEtcd } from './support/own-etcd.js';

let etcd: EtcdHandle;
let client: Client;
let endpoint: string;

beforeAll(async () => {
  ({ etcd, client, endpoint } = await startOwnEtcd());
});
afterAll(() => stopOwnEtcd({ etcd, client }));

/** Grants and keeps alive in batches: a thousand grants at once can outlast the request timeout on a loaded machine. */
async function grantMany(c: Client, n: number, ttl: number): Promise<Lease[]> {
  const out: Lease[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => c.lease(ttl)));
    out.push(...batch.map((l) => l.keepAlive())); // at once: a lease not renewed within its TTL is gone
  }
  return out;
}

describe('shared streams', () => {
  it('5,000 key watches share at most 8 server watch streams; one write per key reaches its own watch', async () => {
    const before = await watchStreams(endpoint);
    const n = 5000;
    const got: WatchEvent[][] = Array.from({ length: n }, () => []);
    const watches = await Promise.all(
      got.map((list, i) => client.watch(`w/${i}`, { callback: (e) => void list.push(e) })),
    );
    const streams = (await watchStreams(endpoint)) - before;
    expect(streams).toBeGreaterThan(0);
    expect(streams).toBeLessThanOrEqual(8);
    await client.bulkPut(got.map((_, i) => [`w/${i}`, `v${i}`] as const));
    await eventually(60_000, () => expect(got.filter((l) => l.length === 1).length).toBe(n));
    for (const [i, list] of got.entries())
      expect([list[0]!.key, list[0]!.value.toString()]).toEqual([`w/${i}`, `v${i}`]);
    await Promise.all(watches.map((w) => w.close()));
    await eventually(10_000, async () => expect(await watchStreams(endpoint)).toBe(before));
  }, 120_000);

  it('1,000 kept-alive leases use at most 4 keep-alive streams and are all alive after three TTLs', async () => {
    const before = await keepAliveStreams(endpoint);
    // Renewals go at a third of the TTL: 5 s leaves a loaded machine about 3 s of stall before a lease is due
    // (with 3 s, a 2 s stall of the 2-core machine running the suite expired one).
    const ttl = 5;
    const leases = await grantMany(client, 1000, ttl);
    await eventually(10_000, async () => expect((await keepAliveStreams(endpoint)) - before).toBeGreaterThan(0));
    expect((await keepAliveStreams(endpoint)) - before).toBeLessThanOrEqual(4);
    await new Promise((r) => setTimeout(r, 3 * ttl * 1000 + 500));
    expect(leases.filter((l) => l.state !== 'active')).toEqual([]);
    // timeToLive() throws LeaseNotFoundError for a lease the server no longer has.
    const alive = await Promise.all(
      leases.map((l) =>
        l.timeToLive().then(
          () => true,
          () => false,
        ),
      ),
    );
    expect(alive.filter((a) => !a).length).toBe(0);
    expect((await keepAliveStreams(endpoint)) - before).toBeLessThanOrEqual(4);
    // keepAliveOnce rides the same stream.
    expect(await leases[0]!.keepAliveOnce()).toBeGreaterThan(0);
    await Promise.all(leases.map((l) => l.revoke()));
    await eventually(10_000, async () => expect(await keepAliveStreams(endpoint)).toBe(before));
  }, 120_000);

  it('a consumer that never reads does not hold up the other watches of its stream, and later gets every event once', async () => {
    const slow: Watch = (await client.watchPrefix('slow/', { bufferSize: 10 })) as Watch;
    const fastSeen: string[] = [];
    const fast = (await client.watchPrefix('fast/', {
      callback: (e) => void fastSeen.push(e.value.toString()),
    })) as Watch;
    expect(WatchPool.of(coreOf(client)).streams).toBe(1); // both on the one shared stream
    const slowValues = Array.from({ length: 300 }, (_, i) => `s${i}`);
    for (const [i, v] of slowValues.entries()) await client.put(`slow/${i % 7}`, v);
    const fastValues = Array.from({ length: 50 }, (_, i) => `f${i}`);
    for (const [i, v] of fastValues.entries()) await client.put(`fast/${i % 3}`, v);
    await eventually(20_000, () => expect(fastSeen).toEqual(fastValues));
    expect(slow.pending).toBeLessThanOrEqual(20); // bounded: its watcher was cancelled on the server
    const slowSeen: string[] = [];
    const modRevisions: number[] = [];
    for await (const e of slow) {
      slowSeen.push(e.value.toString());
      modRevisions.push(e.modRevision);
      if (slowSeen.length === slowValues.length) break;
    }
    expect(slowSeen).toEqual(slowValues);
    expect(modRevisions).toEqual([...modRevisions].sort((a, b) => a - b));
    await within(5_000, fast.close());
  }, 60_000);
});
