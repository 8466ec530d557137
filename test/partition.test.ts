import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Etcd3 } from 'etcd3';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import {
  Client,
  Config,
  CrossPartitionError,
  PartialWriteError,
  PartitionUnavailableError,
  UnavailableError,
  ValidationError,
} from '../src/index.js';
import { Router } from '../src/partition/index.js';
import { ClusterBackend } from '../src/backend/index.js';

const EVENTS = '/registry/events/';
const CACHE = '/cache/';

let main: EtcdHandle;
let events: EtcdHandle;
let cache: EtcdHandle;
let config: Config;
let client: Client;
const raw: Record<'main' | 'events' | 'cache', Etcd3> = {} as never;

const clusterConfig = (h: EtcdHandle) =>
  Config.defaults()
    .withEndpoints(...h.endpoints)
    .withTimeout(1500)
    .withDialTimeout(3000);

/** The keys a cluster really holds under `prefix`, read with a plain etcd3 client. */
const stored = (etcd: Etcd3, prefix: string) => etcd.getAll().prefix(prefix).keys();
/** A cluster's current revision, read with a plain etcd3 client. */
const revisionOf = async (etcd: Etcd3) =>
  Number((await etcd.kv.range({ key: Buffer.from([0]), count_only: true })).header.revision);

beforeAll(async () => {
  [main, events, cache] = await Promise.all([
    startEtcd({ isolated: true }),
    startEtcd({ isolated: true }),
    startEtcd({ isolated: true }),
  ]);
  config = clusterConfig(main).withPartition(EVENTS, clusterConfig(events)).withPartition(CACHE, clusterConfig(cache));
  client = await Client.connect(config);
  raw.main = new Etcd3({ hosts: main.endpoints });
  raw.events = new Etcd3({ hosts: events.endpoints });
  raw.cache = new Etcd3({ hosts: cache.endpoints });
});

afterAll(async () => {
  await client?.close();
  for (const etcd of Object.values(raw)) etcd.close();
  await Promise.all([main, events, cache].map((h) => h?.stop()));
});

describe('routing', () => {
  it('puts each key in the cluster of its longest matching prefix', async () => {
    const keys = {
      '/registry/pods/a': 'main',
      '/registry/events/e1': 'events',
      '/cache/c1': 'cache',
      '/registry/eventsX': 'main',
    };
    for (const [key, value] of Object.entries(keys)) await client.put(key, value);
    for (const [key, where] of Object.entries(keys)) {
      expect(client.partitionOf(key)).toBe(where === 'events' ? EVENTS : where === 'cache' ? CACHE : '');
      for (const name of ['main', 'events', 'cache'] as const) {
        expect(await raw[name].get(key).string(), `${key} in ${name}`).toBe(name === where ? where : null);
      }
      expect(await client.getString(key)).toBe(where);
      expect((await client.find(key))?.value.toString()).toBe(where);
      expect(await client.exists(key)).toBe(true);
    }
    expect(await client.delete('/registry/events/e1')).toBe(1);
    expect(await raw.events.get('/registry/events/e1').string()).toBeNull();
  });

  it('lists, counts and iterates over every partition as one keyspace, in key order', async () => {
    const p = '/registry/';
    const want: string[] = [];
    for (let i = 0; i < 6; i++) want.push(`${p}a${i}`, `${EVENTS}e${i}`, `${p}z${i}`);
    await client.bulkPut(Object.fromEntries(want.map((k) => [k, `v:${k}`])));
    // A key under the events prefix that physically sits in the main cluster is not the main partition's.
    await raw.main.put(`${EVENTS}stray`).value('not yours');
    want.push('/registry/eventsX', '/registry/pods/a');
    want.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

    const [inMain, inEvents] = [await stored(raw.main, p), await stored(raw.events, p)];
    expect(inEvents.length).toBe(6);
    expect(inMain).toContain(`${EVENTS}stray`);
    expect(await client.list(p)).toEqual(want);
    expect(await client.list(p, { pageSize: 2 })).toEqual(want);
    expect(await client.count(p)).toBe(want.length);
    expect(await client.count(EVENTS)).toBe(6);
    expect(await client.count('/registry/a')).toBe(6);
    const iterated: string[] = [];
    for await (const kv of client.iterate(p, { pageSize: 2 })) iterated.push(kv.key);
    expect(iterated).toEqual(want);
    const values = await client.listWithValues(p);
    expect([...values.keys()]).toEqual(want);
    expect(values.get(`${EVENTS}e3`)?.toString()).toBe(`v:${EVENTS}e3`);
    expect((await client.getRange('/registry/a3', '/registry/events/e2')).map((kv) => kv.key)).toEqual(
      want.filter((k) => k >= '/registry/a3' && k < '/registry/events/e2'),
    );
    expect(await client.list('/registry/events/e')).toEqual(want.filter((k) => k.startsWith('/registry/events/e')));
  });

  it('a revision applies to one partition only', async () => {
    const { revision } = await client.put(`${EVENTS}old`, '1');
    await client.put(`${EVENTS}old`, '2');
    expect((await client.listWithValues(EVENTS, { revision })).get(`${EVENTS}old`)?.toString()).toBe('1');
    await expect(client.list('/registry/', { revision })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.revision()).rejects.toBeInstanceOf(CrossPartitionError);
    await expect(client.compact(revision)).rejects.toBeInstanceOf(CrossPartitionError);
    // A snapshot is one cluster's database: refused too, on the first read.
    await expect(client.snapshot()[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(CrossPartitionError);
    expect(await client.partition(EVENTS).revision()).toBe(await revisionOf(raw.events));
  });

  it('deletes a spanning prefix in every partition, leaving keys the main partition does not own', async () => {
    await client.bulkPut({ '/tmp/x/1': 'a', '/tmp/x/2': 'b', [`${CACHE}x/1`]: 'c' });
    await raw.main.put('/cache/x/stray').value('not yours');
    expect(await client.deletePrefix('/tmp/x/')).toBe(2);
    expect(await client.deletePrefix('/cache/x/')).toBe(1);
    expect(await stored(raw.main, '/cache/x/')).toEqual(['/cache/x/stray']);
    expect(await client.deletePrefix('/registry/')).toBeGreaterThan(10);
    expect(await stored(raw.events, '/registry/')).toEqual([]);
    expect(await stored(raw.main, '/registry/')).toEqual([`${EVENTS}stray`]);
    await expect(client.deletePrefix('')).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('transactions across partitions', () => {
  it('are refused before any request reaches either cluster', async () => {
    const before = await Promise.all([revisionOf(raw.main), revisionOf(raw.events)]);
    const router = await Router.connect(config, (c) => ClusterBackend.connect(c));
    try {
      expect(router.assertSamePartition([`${EVENTS}a`, `${EVENTS}b/c`])).toBe(EVENTS);
      expect(router.assertSamePartition(['/x', '/registry/eventsX'])).toBe('');
      const err = (() => {
        try {
          router.assertSamePartition(['/registry/pods/a', `${EVENTS}a`]);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(CrossPartitionError);
      expect(err).toMatchObject({ code: 'CROSS_PARTITION', message: expect.stringContaining(EVENTS) });
    } finally {
      await router.close();
    }
    const atomic = client.bulkPut({ '/registry/pods/t': '1', [`${EVENTS}t`]: '2' }, { atomic: true });
    await expect(atomic).rejects.toBeInstanceOf(CrossPartitionError);
    expect(await Promise.all([revisionOf(raw.main), revisionOf(raw.events)])).toEqual(before);
  });
});

describe('one partition down', () => {
  it('fails only its keys, naming the partition, and is used again once back', async () => {
    await client.put(`${EVENTS}live`, 'before');
    await client.put('/registry/pods/live', 'before');
    await events.kill();

    const err = await client.get(`${EVENTS}live`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err).toBeInstanceOf(PartitionUnavailableError);
    expect(err).toMatchObject({
      code: 'UNAVAILABLE',
      partition: EVENTS,
      message: expect.stringContaining(`partition '${EVENTS}'`),
    });
    await expect(client.put(`${EVENTS}live`, 'during')).rejects.toMatchObject({ partition: EVENTS });
    await expect(client.list('/registry/')).rejects.toMatchObject({ partition: EVENTS });

    // The other partitions keep serving.
    expect(await client.getString('/registry/pods/live')).toBe('before');
    await client.put('/registry/pods/live', 'during');
    await client.put(`${CACHE}live`, 'during');
    expect(await client.list('/registry/pods/')).toEqual(['/registry/pods/live']);
    const health = await client.partitionHealth();
    expect(health.map((p) => [p.partition, p.health.healthy])).toEqual([
      ['', true],
      [EVENTS, false],
      [CACHE, true],
    ]);
    expect((await client.health()).healthy).toBe(false);

    // A spanning bulk write applies what it can and says so.
    const partial = await client.bulkPut({ '/registry/pods/b1': '1', [`${EVENTS}b1`]: '2' }).catch((e: unknown) => e);
    expect(partial).toBeInstanceOf(PartialWriteError);
    expect(partial).toMatchObject({ applied: 1, total: 2 });

    // So does a spanning delete: the main partition is cleared, the events one is not.
    const partialDelete = await client.deletePrefix('/registry/').catch((e: unknown) => e);
    expect(partialDelete).toBeInstanceOf(PartialWriteError);
    expect(partialDelete).toMatchObject({ applied: 2, cause: { partition: EVENTS } });
    expect(await stored(raw.main, '/registry/pods/')).toEqual([]);

    await events.restart();
    await eventually(async () => expect(await client.getString(`${EVENTS}live`)).toBe('before'));
    await client.put(`${EVENTS}live`, 'after');
    expect(await raw.events.get(`${EVENTS}live`).string()).toBe('after');
    expect((await client.partitionHealth()).every((p) => p.health.healthy)).toBe(true);
  });

  it('connecting names the partition that cannot be reached', async () => {
    const dead = Config.defaults().withEndpoints('127.0.0.1:1').withDialTimeout(500);
    const err = await Client.connect(clusterConfig(main).withPartition('/dead/', dead)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONNECTION_FAILED', message: expect.stringContaining("partition '/dead/'") });
  });
});

/** Retries `check` until it passes or 20 s have gone by (a restarted cluster is reconnected to lazily). */
async function eventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
