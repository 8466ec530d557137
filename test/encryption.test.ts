import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import {
  CancelledError,
  type Client,
  ConfigError,
  DecryptionError,
  ValueTooLargeError,
  type Config,
} from '../src/index.js';
import { connect, rawEtcd, rejection, testConfig, uniquePrefix } from './helpers.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const open: Client[] = [];
let raw: Etcd3;

/** A client of the shared etcd under namespace `ns`, closed after the file. */
async function client(ns: string, configure: (c: Config) => Config = (c) => c): Promise<Client> {
  const c = await connect(configure(testConfig().withNamespace(ns)));
  open.push(c);
  return c;
}

const withK1 = (c: Config) => c.withEncryptionKeys({ primary: 'k1', keys: { k1 } });
const withK1K2 = (c: Config) => c.withEncryptionKeys({ primary: 'k2', keys: { k1, k2 } });
const withK2 = (c: Config) => c.withEncryptionKeys({ primary: 'k2', keys: { k2 } });

beforeAll(() => {
  raw = rawEtcd();
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  raw.close();
});

describe('what etcd stores', () => {
  it('raw bytes contain no plaintext and differ for two puts of the same value', async () => {
    const ns = uniquePrefix('enc-raw');
    const c = await client(ns, (x) => x.withEncryption(k1));
    const secret = 'password=hunter2-hunter2';
    await c.put('a', secret);
    const first = (await raw.get(`${ns}a`).buffer())!;
    await c.put('a', secret);
    const second = (await raw.get(`${ns}a`).buffer())!;
    await c.put('b', secret);
    const third = (await raw.get(`${ns}b`).buffer())!;
    for (const stored of [first, second, third]) {
      expect(stored.includes(Buffer.from('hunter2'))).toBe(false);
      expect(stored.toString('latin1')).not.toContain('password');
    }
    expect(first.equals(second)).toBe(false);
    expect(first.equals(third)).toBe(false);
    expect(await c.getString('a')).toBe(secret);
  });

  it('a ciphertext copied raw to another key fails on every read path', async () => {
    const ns = uniquePrefix('enc-copy');
    const c = await client(ns, (x) => x.withEncryption(k1));
    await c.put('alice', 'balance=100');
    await raw.put(`${ns}bob`).value((await raw.get(`${ns}alice`).buffer())!);
    const err = await rejection(c.get('bob'));
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as DecryptionError).code).toBe('DECRYPT_FAILED');
    expect((err as DecryptionError).key).toBe('bob');
    expect(await rejection(c.listWithValues('', { all: true }))).toBeInstanceOf(DecryptionError);
    expect(await rejection(c.getRange('a', ''))).toBeInstanceOf(DecryptionError);
    expect(await c.getString('alice')).toBe('balance=100');
  });

  it('the namespace is bound into the ciphertext', async () => {
    const nsA = uniquePrefix('enc-ns-a');
    const nsB = uniquePrefix('enc-ns-b');
    const a = await client(nsA, (x) => x.withEncryption(k1));
    const b = await client(nsB, (x) => x.withEncryption(k1));
    await a.put('k', 'v');
    await raw.put(`${nsB}k`).value((await raw.get(`${nsA}k`).buffer())!);
    expect(await rejection(b.get('k'))).toBeInstanceOf(DecryptionError);
  });

  it('compresses before encrypting, and size limits apply to the encoded value', async () => {
    const ns = uniquePrefix('enc-zip');
    const c = await client(ns, (x) => x.withEncryption(k1).withCompression({ algorithm: 'brotli' }));
    const big = Buffer.alloc(3 * 1024 * 1024, 'the same line again\n');
    await c.put('big', big);
    const stored = (await raw.get(`${ns}big`).buffer())!;
    expect(stored.length).toBeLessThan(64 * 1024);
    expect((await c.get('big')).equals(big)).toBe(true);
    expect(await rejection(c.put('noise', randomBytes(2 * 1024 * 1024)))).toBeInstanceOf(ValueTooLargeError);
  });
});

describe('key rotation', () => {
  it('k1 → k2: reencrypt while another client writes loses no write; then k1 can be removed', async () => {
    const ns = uniquePrefix('enc-rotate');
    const old = await client(ns, withK1);
    const rotating = await client(ns, withK1K2);
    const writer = await client(ns, withK1K2);
    const keys = Array.from({ length: 240 }, (_, i) => `item/${String(i).padStart(3, '0')}`);
    const expected = new Map(keys.map((k) => [k, `v0:${k}`]));
    await old.bulkPut(expected);
    const { ID: lease } = await raw.leaseClient.leaseGrant({ TTL: 60 });
    await old.put('leased', 'with lease', { lease: BigInt(lease).toString(16) });

    let stop = false;
    let writes = 0;
    const writing = (async () => {
      for (let i = 1; !stop; i++) {
        const key = keys[(i * 37) % keys.length]!;
        await writer.put(key, `v${i}:${key}`);
        expected.set(key, `v${i}:${key}`);
        writes++;
      }
    })();
    const result = await rotating.reencrypt('', { all: true, pageSize: 40 });
    stop = true;
    await writing;

    expect(writes).toBeGreaterThan(0);
    expect(result.scanned).toBe(keys.length + 1);
    expect(result.rewritten + result.skipped).toBe(result.scanned);
    const after = await client(ns, withK2);
    const values = await after.listWithValues('item/');
    expect(values.size).toBe(keys.length);
    for (const [key, value] of values) expect(value.toString()).toBe(expected.get(key));
    expect((await after.find('leased'))?.lease).toBe(BigInt(lease).toString(16));
    expect(await after.getString('leased')).toBe('with lease');
    expect(await rotating.reencrypt('', { all: true })).toEqual({
      scanned: keys.length + 1,
      rewritten: 0,
      skipped: keys.length + 1,
    });
    await raw.leaseClient.leaseRevoke({ ID: lease });
  });

  it('a guard that fails re-checks the latest value: newer writes are kept, stale ones rewritten', async () => {
    const ns = uniquePrefix('enc-guard');
    const old = await client(ns, withK1);
    const rotating = await client(ns, withK1K2);
    await old.bulkPut(Array.from({ length: 20 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'v0'] as const));
    const progress: number[] = [];
    const result = await rotating.reencrypt('k', {
      pageSize: 10,
      // After the first page, before the second is read (at the scan's pinned revision):
      onProgress: async (p) => {
        progress.push(p.scanned);
        if (p.scanned !== 10) return;
        await rotating.put('k10', 'new under k2');
        await old.put('k11', 'new under k1');
      },
    });
    expect(progress).toEqual([10, 20]);
    // k10 was already current when its guard failed; k11 was rewritten from its newest value.
    expect(result).toEqual({ scanned: 20, rewritten: 19, skipped: 1 });
    const after = await client(ns, withK2);
    expect(await after.getString('k10')).toBe('new under k2');
    expect(await after.getString('k11')).toBe('new under k1');
    expect((await after.listWithValues('k')).size).toBe(20);
  });

  it('a client that lost the old key fails clearly; reencrypt needs encryption', async () => {
    const ns = uniquePrefix('enc-lost');
    await (await client(ns, withK1)).put('x', 'y');
    const err = await rejection((await client(ns, withK2)).get('x'));
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as Error).message).toContain("unknown key id 'k1'");
    expect(await rejection((await client(ns)).reencrypt('x'))).toBeInstanceOf(ConfigError);
    const aborted = (await client(ns, withK1K2)).reencrypt('x', { signal: AbortSignal.abort() });
    expect(await rejection(aborted)).toBeInstanceOf(CancelledError);
  });
});

describe('allowPlaintext migration', () => {
  it('plaintext is refused by default, read with allowPlaintext, then encrypted by reencrypt', async () => {
    const ns = uniquePrefix('enc-migrate');
    const plain = await client(ns);
    await plain.bulkPut({ a: 'plain a', b: 'plain b', c: '' });
    const strict = await client(ns, (x) => x.withEncryption(k1));
    const lenient = await client(ns, (x) => x.withEncryption(k1, { allowPlaintext: true }));
    expect(await rejection(strict.get('a'))).toBeInstanceOf(DecryptionError);
    expect(await lenient.getString('a')).toBe('plain a');
    await lenient.put('d', 'new d');
    expect(await lenient.reencrypt('', { all: true })).toEqual({ scanned: 4, rewritten: 3, skipped: 1 });
    expect((await raw.get(`${ns}a`).buffer())!.includes(Buffer.from('plain a'))).toBe(false);
    const all = await strict.listWithValues('', { all: true });
    expect(Object.fromEntries([...all].map(([k, v]) => [k, v.toString()]))).toEqual({
      a: 'plain a',
      b: 'plain b',
      c: '',
      d: 'new d',
    });
  });
});
