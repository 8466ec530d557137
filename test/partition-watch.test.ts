/** Spanning watches against real clusters. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { Client, Config, type PartitionedWatch, ValidationError, type WatchEvent } from '../src/index.js';
import { PartitionedWatch as MergedWatch } from '../src/watch/merged.js';
import { take } from './waits.js';

const EVENTS = '/registry/events/';

type SpanningWatch = PartitionedWatch<WatchEvent>;

let main: EtcdHandle;
let events: EtcdHandle;
let config: Config;

beforeAll(async () => {
  [main, events] = await Promise.all([startEtcd({ isolated: true }), startEtcd({ isolated: true })]);
  const of = (h: EtcdHandle) =>
    Config.defaults()
      .withEndpoints(...h.endpoints)
      .withTimeout(2000);
  config = of(main).withPartition(EVENTS, of(events));
});
afterAll(async () => {
  await Promise.all([main?.stop(), events?.stop()]);
});

describe('a watch spanning partitions', () => {
  it('receives every write of every partition; resumed from its token in a new client it misses and repeats nothing', async () => {
    const written: string[] = [];
    const seen: string[] = [];
    let token: string;
    {
      await using client = await Client.connect(config);
      const watch = await client.watchPartitioned('/registry/');
      await client.bulkPut(
        { '/registry/pods/a': '1', '/registry/pods/b': '2', '/registry/pods/c': '3' },
        { atomic: true },
      );
      written.push('/registry/pods/a', '/registry/pods/b', '/registry/pods/c');
      // Stop between two events of one transaction: the token must say so.
      for (const ev of await take(watch, 2)) seen.push(ev.key);
      expect(seen).toEqual(['/registry/pods/a', '/registry/pods/b']);
      token = watch.token;
      await watch.close();
      await client.put(`${EVENTS}e1`, 'x');
      await client.put('/registry/pods/d', '4');
      await client.put(`${EVENTS}e2`, 'y');
      await client.delete('/registry/pods/a');
      written.push(`${EVENTS}e1`, '/registry/pods/d', `${EVENTS}e2`, '/registry/pods/a');
    }
    await using client = await Client.connect(config);
    const resumed = await client.watchPartitioned('/registry/', { from: token });
    for (const ev of await take(resumed, written.length - seen.length)) {
      expect(ev.partition).toBe(client.partitionOf(ev.key));
      seen.push(ev.key);
    }
    // Nothing more was pending: the next event is the next write.
    await client.put('/registry/pods/sentinel', 'z');
    expect((await take(resumed, 1))[0]?.key).toBe('/registry/pods/sentinel');
    await resumed.close();
    expect([...seen].sort()).toEqual([...written].sort());
    // Per partition, in the order written.
    expect(seen.filter((k) => k.startsWith(EVENTS))).toEqual([`${EVENTS}e1`, `${EVENTS}e2`]);
  });
});

describe('watchPrefix and watch on a partitioned client', () => {
  it("a spanning watchPrefix is the merged watch with a token; within one partition it is that cluster's own watch", async () => {
    await using client = await Client.connect(config);
    await expect(client.watchPrefix('/registry/', { fromRevision: 1 })).rejects.toBeInstanceOf(ValidationError);
    const spanning = await client.watchPrefix('/registry/');
    expect(spanning).toBeInstanceOf(MergedWatch);
    expect('token' in spanning).toBe(true); // how a user tells them apart (docs/partitions.md)
    const inEvents = await client.watchPrefix(`${EVENTS}ns1/`);
    expect(inEvents).not.toBeInstanceOf(MergedWatch);
    expect('token' in inEvents).toBe(false);
    const oneKey = await client.watch(`${EVENTS}ns1/k`);
    await client.put('/registry/pods/w', '1');
    await client.put(`${EVENTS}ns1/k`, '2');
    const merged = await take(spanning as SpanningWatch, 2);
    // No order across partitions: compare as a set.
    expect(new Set(merged.map((e) => `${e.partition}|${e.key}`))).toEqual(
      new Set(['|/registry/pods/w', `${EVENTS}|${EVENTS}ns1/k`]),
    );
    const token = (spanning as SpanningWatch).token;
    expect(typeof token).toBe('string');
    await spanning.close();
    // The single-partition watches see the write: they were opened on the events cluster.
    for (const w of [inEvents, oneKey]) {
      const it = w[Symbol.asyncIterator]();
      const first = await Promise.race([
        it.next(),
        new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no event in 10 s')), 10_000)),
      ]);
      expect(first.value?.key).toBe(`${EVENTS}ns1/k`);
      expect(first.value?.modRevision).toBe(await client.partition(EVENTS).revision());
      await w.close();
    }
  });
});

describe('watchPartitioned on a client without partitions', () => {
  it('is one merged leg with a token that resumes after what was delivered', async () => {
    await using plain = await Client.connect(
      Config.defaults()
        .withEndpoints(...main.endpoints)
        .withTimeout(2000),
    );
    await expect(plain.watchPartitioned('')).rejects.toBeInstanceOf(ValidationError);
    const first = await plain.watchPartitioned('/solo/');
    await plain.bulkPut({ '/solo/a': '1', '/solo/b': '2' }, { atomic: true });
    expect((await take(first, 1)).map((e) => [e.key, e.partition])).toEqual([['/solo/a', '']]);
    const token = first.token;
    await first.close();
    await expect(first.done).resolves.toBeUndefined();
    await using resumed = await plain.watchPartitioned('/solo/', { from: token });
    await plain.put('/solo/c', '3');
    expect((await take(resumed, 2)).map((e) => e.key)).toEqual(['/solo/b', '/solo/c']);
  });
});
