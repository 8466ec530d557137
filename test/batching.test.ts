import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, Client, Config, KeyNotFoundError } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { uniquePrefix } from './helpers.js';

// Read batching (on by default) against an etcd of its own, whose request
// counters (/metrics on the client port) only this file moves.

let etcd: EtcdHandle;
let client: Client;

/** etcd's count of handled requests of one gRPC method. */
async function handled(method: string): Promise<number> {
  const text = await (await fetch(`${etcd.endpoints[0]}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('grpc_server_handled_total{') && line.includes(`grpc_method="${method}"`))
      total += Number(line.split(' ').pop());
  }
  return total;
}

beforeAll(async () => {
  etcd = await startEtcd({ isolated: true });
  client = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
}, 60_000);

afterAll(async () => {
  await client?.close();
  await etcd?.stop();
});

describe('read batching', () => {
  it('64 concurrent gets take fewer than 64 requests, each caller its own value', async () => {
    const p = uniquePrefix('batch');
    await client.bulkPut(Array.from({ length: 64 }, (_, i) => [`${p}${i}`, `value-${i}`] as [string, string]));
    const before = (await handled('Range')) + (await handled('Txn'));
    const values = await Promise.all(Array.from({ length: 64 }, (_, i) => client.getString(`${p}${i}`)));
    const after = (await handled('Range')) + (await handled('Txn'));
    expect(values).toEqual(Array.from({ length: 64 }, (_, i) => `value-${i}`));
    expect(after - before).toBeLessThan(64);
    expect(after - before).toBeGreaterThan(0);
  });

  it('mixes get, find, exists and missing keys in one batch, each with its own result or typed error', async () => {
    const p = uniquePrefix('mixed');
    await client.put(`${p}a`, '{"n":1}');
    const [json, found, there, absent, missing] = await Promise.allSettled([
      client.getJSON<{ n: number }>(`${p}a`),
      client.find(`${p}a`),
      client.exists(`${p}a`),
      client.exists(`${p}nope`),
      client.get(`${p}nope`),
    ]);
    expect(json).toEqual({ status: 'fulfilled', value: { n: 1 } });
    expect(found.status === 'fulfilled' && found.value?.key).toBe(`${p}a`);
    expect(there).toEqual({ status: 'fulfilled', value: true });
    expect(absent).toEqual({ status: 'fulfilled', value: false });
    expect(missing.status === 'rejected' && missing.reason).toBeInstanceOf(KeyNotFoundError);
  });

  it('a get started after an acknowledged put sees it, under load', async () => {
    const p = uniquePrefix('linear');
    const load = Array.from({ length: 32 }, (_, i) => client.find(`${p}load${i}`));
    for (let i = 0; i < 20; i++) {
      await client.put(`${p}k`, `v${i}`);
      const concurrent = [client.getString(`${p}k`), client.find(`${p}other`), client.getString(`${p}k`)];
      expect((await Promise.all(concurrent))[0]).toBe(`v${i}`);
    }
    await Promise.all(load);
  });

  it('an aborted caller leaves its batch; its batch mates still succeed', async () => {
    const p = uniquePrefix('abort');
    await client.bulkPut(Array.from({ length: 16 }, (_, i) => [`${p}${i}`, `v${i}`] as [string, string]));
    const first = client.get(`${p}0`); // in flight: the ones below queue behind it
    const ac = new AbortController();
    const mates = Array.from({ length: 15 }, (_, i) =>
      client.getString(`${p}${i + 1}`, i === 7 ? { signal: ac.signal } : {}),
    );
    ac.abort();
    const settled = await Promise.allSettled([first, ...mates]);
    const aborted = settled[8]!;
    expect(aborted.status === 'rejected' && aborted.reason).toBeInstanceOf(CancelledError);
    settled.forEach((s, i) => {
      if (i !== 8) expect(s.status).toBe('fulfilled');
    });
    expect((settled[15] as PromiseFulfilledResult<string>).value).toBe('v15');
  });

  it('answers every caller when the batch reply would exceed 4 MiB', async () => {
    const p = uniquePrefix('big');
    const values = Array.from({ length: 8 }, () => randomBytes(1024 * 1024 - 512));
    for (let i = 0; i < 8; i++) await client.put(`${p}${i}`, values[i]!);
    const first = client.get(`${p}0`);
    const rest = Array.from({ length: 7 }, (_, i) => client.get(`${p}${i + 1}`));
    const got = await Promise.all([first, ...rest]);
    for (const [i, v] of got.entries()) expect(v.equals(values[i]!)).toBe(true);
  }, 30_000);

  it('can be turned off: then 64 concurrent gets are 64 requests', async () => {
    const plain = await Client.connect(
      Config.defaults()
        .withEndpoints(...etcd.endpoints)
        .withReadBatching(false),
    );
    try {
      const p = uniquePrefix('off');
      await plain.put(`${p}k`, 'v');
      const before = (await handled('Range')) + (await handled('Txn'));
      await Promise.all(Array.from({ length: 64 }, () => plain.get(`${p}k`)));
      expect((await handled('Range')) + (await handled('Txn')) - before).toBe(64);
    } finally {
      await plain.close();
    }
  });

  it('Config.withReadBatching validates', () => {
    expect(() => Config.defaults().withReadBatching({ maxBatch: 0 })).toThrow(/readBatching.maxBatch/);
    expect(Config.defaults().readBatching).toEqual({ maxBatch: 128 });
  });
});

describe('write batching (opt-in)', () => {
  let writer: Client;
  beforeAll(async () => {
    writer = await Client.connect(
      Config.defaults()
        .withEndpoints(...etcd.endpoints)
        .withWriteBatching({ maxDelayMs: 50 }),
    );
  });
  afterAll(async () => writer?.close());

  it('64 concurrent puts to distinct keys all succeed and share fewer than 64 revisions', async () => {
    const p = uniquePrefix('wb');
    const before = await handled('Txn');
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => writer.put(`${p}${i}`, `v${i}`)));
    const revisions = new Set(results.map((r) => r.revision));
    expect(revisions.size).toBeLessThan(64);
    expect((await handled('Txn')) - before).toBeGreaterThan(0);
    const stored = await writer.listWithValues(p);
    expect(stored.size).toBe(64);
    for (const r of results) expect(r.revision).toBeGreaterThan(0);
    // A batch is one revision: the keys written in it carry exactly that mod revision.
    for (let i = 0; i < 64; i++) expect((await writer.find(`${p}${i}`))?.modRevision).toBe(results[i]!.revision);
  });

  it('keeps the order of two concurrent writes of one key', async () => {
    const p = uniquePrefix('order');
    for (let round = 0; round < 10; round++) {
      const busy = writer.put(`${p}busy`, 'x'); // in flight: the writes below queue
      const first = writer.put(`${p}k`, `first-${round}`);
      const second = writer.put(`${p}k`, `second-${round}`);
      const [, a, b] = await Promise.all([busy, first, second]);
      expect(b.revision).toBeGreaterThan(a.revision);
      expect(await writer.getString(`${p}k`)).toBe(`second-${round}`);
    }
  });

  it('refuses an oversized value before sending; the batch mates still go', async () => {
    const p = uniquePrefix('oversize');
    const busy = writer.put(`${p}busy`, 'x');
    const outcomes = await Promise.allSettled([
      busy,
      writer.put(`${p}a`, 'a'),
      writer.put(`${p}huge`, Buffer.alloc(2 * 1024 * 1024)),
      writer.put(`${p}b`, 'b'),
      writer.delete(`${p}busy`),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'VALUE_TOO_LARGE' });
    expect(await writer.list(p)).toEqual([`${p}a`, `${p}b`]);
  });

  it('a batch refused by etcd fails every caller in it with the typed error', async () => {
    const p = uniquePrefix('refused');
    const busy = writer.put(`${p}busy`, 'x');
    const outcomes = await Promise.allSettled([
      writer.put(`${p}a`, 'a'),
      writer.put(`${p}b`, 'b', { lease: 'deadbeef' }), // no such lease: etcd refuses the whole txn
    ]);
    await busy;
    for (const o of outcomes) expect(o.status === 'rejected' && o.reason).toMatchObject({ code: 'LEASE_NOT_FOUND' });
    expect(await writer.exists(`${p}a`)).toBe(false);
  });

  it('Config.withWriteBatching validates', () => {
    expect(() => Config.defaults().withWriteBatching({ maxDelayMs: -1 })).toThrow(/writeBatching.maxDelayMs/);
    expect(Config.defaults().writeBatching).toBe(false);
    expect(Config.defaults().withWriteBatching().writeBatching).toEqual({ maxBatch: 128, maxDelayMs: 5 });
  });
});
