/**
 * Writes with `prevKV` that etcd applied resolve, whatever their previous
 * values are: over the 4 MiB receive limit together, or undecodable.
 * An etcd of its own: the values here are large.
 */
import { randomBytes } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Config } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { uniquePrefix } from './helpers.js';

const MiB = 1024 * 1024;
let etcd: EtcdHandle;
let plain: Client;
let batching: Client;

beforeAll(async () => {
  etcd = await startEtcd({ isolated: true });
  const config = Config.defaults().withEndpoints(...etcd.endpoints);
  plain = await Client.connect(config.withWriteBatching(false));
  batching = await Client.connect(config.withWriteBatching({ maxDelayMs: 50 }));
}, 60_000);

afterAll(async () => {
  await plain?.close();
  await batching?.close();
  await etcd?.stop();
});

/** Eight keys under a fresh prefix, each holding a value of almost 1 MiB. */
async function eightLarge(name: string): Promise<{ keys: string[]; values: Buffer[]; prefix: string }> {
  const prefix = uniquePrefix(name);
  const keys = Array.from({ length: 8 }, (_, i) => `${prefix}${i}`);
  const values = keys.map(() => randomBytes(MiB - 512));
  for (const [i, k] of keys.entries()) await plain.put(k, values[i]!);
  return { keys, values, prefix };
}

describe('write batching with prevKV: batches fit their answers too', () => {
  it('8 concurrent delete(k, { prevKV: true }) of 1 MiB values all resolve with their previous values', async () => {
    const { keys, values, prefix } = await eightLarge('wb-del');
    const results = await Promise.all(keys.map((k) => batching.delete(k, { prevKV: true })));
    for (const [i, r] of results.entries()) {
      expect(r.deleted).toBe(1);
      expect(r.previous?.value.equals(values[i]!)).toBe(true);
    }
    expect(await plain.count(prefix)).toBe(0);
  }, 60_000);

  it('8 concurrent put(k, v, { prevKV: true }) over 1 MiB values all resolve with their previous values', async () => {
    const { keys, values } = await eightLarge('wb-put');
    const results = await Promise.all(keys.map((k, i) => batching.put(k, `new-${i}`, { prevKV: true })));
    for (const [i, r] of results.entries()) expect(r.previous?.value.equals(values[i]!)).toBe(true);
    for (const [i, k] of keys.entries()) expect(await plain.getString(k)).toBe(`new-${i}`);
  }, 60_000);
});

describe('deletePrefix(p, { prevKV: true }) over 4 MiB', () => {
  it('deletes every key and returns every previous value, in key order', async () => {
    const { keys, values, prefix } = await eightLarge('dp-large');
    const result = await plain.deletePrefix(prefix, { prevKV: true });
    expect(result.deleted).toBe(8);
    expect(result.undecodable).toBe(0);
    expect(result.previous.map((kv) => kv.key)).toEqual(keys);
    for (const [i, kv] of result.previous.entries()) expect(kv.value.equals(values[i]!)).toBe(true);
    expect(await plain.count(prefix)).toBe(0);
  }, 60_000);

  it('returns exactly the deleted pairs when there are few (one request) and many (pages)', async () => {
    const few = uniquePrefix('dp-few');
    await plain.bulkPut({ [`${few}a`]: '1', [`${few}b`]: '2' });
    const small = await plain.deletePrefix(few, { prevKV: true });
    expect(small).toMatchObject({ deleted: 2, undecodable: 0 });
    expect(small.previous.map((kv) => [kv.key, kv.value.toString()])).toEqual([
      [`${few}a`, '1'],
      [`${few}b`, '2'],
    ]);
    const many = uniquePrefix('dp-many');
    const entries = Array.from({ length: 2500 }, (_, i) => [`${many}${String(i).padStart(4, '0')}`, `v${i}`]);
    await plain.bulkPut(entries as [string, string][]);
    const big = await plain.deletePrefix(many, { prevKV: true });
    expect(big.deleted).toBe(2500);
    expect(big.previous.map((kv) => [kv.key, kv.value.toString()])).toEqual(entries);
    expect(await plain.deletePrefix(many, { prevKV: true })).toEqual({ deleted: 0, previous: [], undecodable: 0 });
  }, 60_000);
});

describe('a previous value that cannot be decoded does not fail an applied write', () => {
  let encrypted: Client;
  let encryptedBatching: Client;
  let raw: Etcd3;
  let ns: string;

  beforeAll(async () => {
    ns = uniquePrefix('enc-prev');
    const key = randomBytes(32);
    const config = Config.defaults()
      .withEndpoints(...etcd.endpoints)
      .withNamespace(ns)
      .withEncryption(key);
    encrypted = await Client.connect(config);
    encryptedBatching = await Client.connect(config.withWriteBatching({ maxDelayMs: 50 }));
    raw = new Etcd3({ hosts: etcd.endpoints });
  });
  afterAll(async () => {
    await encrypted?.close();
    await encryptedBatching?.close();
    raw?.close();
  });

  /** Writes `value` under the namespace without encryption, as another tool would. */
  const plaintext = (k: string, value = 'not encrypted') => raw.put(`${ns}${k}`).value(value);

  for (const mode of ['alone', 'batched'] as const) {
    it(`put and delete with prevKV resolve, the previous value left out and counted (${mode})`, async () => {
      const c = mode === 'alone' ? encrypted : encryptedBatching;
      await plaintext(`${mode}/p`);
      await plaintext(`${mode}/d`);
      await c.put(`${mode}/ok`, 'old');
      const busy = c.put(`${mode}/busy`, 'x'); // with batching, the writes below share a batch
      const [put, del, ok] = await Promise.all([
        c.put(`${mode}/p`, 'new', { prevKV: true }),
        c.delete(`${mode}/d`, { prevKV: true }),
        c.put(`${mode}/ok`, 'new', { prevKV: true }),
      ]);
      await busy;
      expect(put.previous).toBeUndefined();
      expect(put.undecodable).toBe(1);
      expect(del).toEqual({ deleted: 1, previous: undefined, undecodable: 1 });
      expect(ok.previous?.value.toString()).toBe('old');
      expect(ok.undecodable).toBe(0);
      expect(await c.getString(`${mode}/p`)).toBe('new');
      expect(await c.exists(`${mode}/d`)).toBe(false);
    });
  }

  it('deletePrefix with prevKV resolves with the decodable previous values and the count of the others', async () => {
    await encrypted.put('dp/a', 'A');
    await plaintext('dp/b');
    await encrypted.put('dp/c', 'C');
    const result = await encrypted.deletePrefix('dp/', { prevKV: true });
    expect(result.deleted).toBe(3);
    expect(result.undecodable).toBe(1);
    expect(result.previous.map((kv) => [kv.key, kv.value.toString()])).toEqual([
      ['dp/a', 'A'],
      ['dp/c', 'C'],
    ]);
    expect(await encrypted.count('dp/')).toBe(0);
  });
});
