import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, ValidationError, compare, op } from '../src/index.js';
import { connect, rawEtcd, testConfig, uniquePrefix } from './helpers.js';

// Transactions, compare-and-swap and STM with the value pipeline fully on:
// encryption, and compression of every value over 8 bytes.
let client: Client;
let ns: string;

beforeAll(async () => {
  ns = uniquePrefix('enc-txn');
  client = await connect(
    testConfig().withNamespace(ns).withEncryption(randomBytes(32)).withCompression({ threshold: 8, algorithm: 'gzip' }),
  );
});
afterAll(() => client.close());

async function stored(key: string): Promise<Buffer | null> {
  const raw = rawEtcd();
  try {
    return await raw.get(`${ns}${key}`).buffer();
  } finally {
    raw.close();
  }
}

describe('compare-and-swap with encryption and compression on', () => {
  it('runs the 003 sequence: 10 -> 20 true, 15 -> 30 false, value stays 20', async () => {
    await client.put('counter', '10');
    expect(await client.compareAndSwap('counter', '10', '20')).toBe(true);
    expect(await client.getString('counter')).toBe('20');
    expect(await client.compareAndSwap('counter', '15', '30')).toBe(false);
    expect(await client.getString('counter')).toBe('20');
    expect((await stored('counter'))?.includes('20')).toBe(false);
  });

  it('compares compressed plaintext, not ciphertext', async () => {
    const long = 'x'.repeat(5000);
    await client.put('long', long);
    expect((await stored('long'))!.length).toBeLessThan(200); // compressed, then sealed
    expect(await client.compareAndSwap('long', long, 'short')).toBe(true);
    expect(await client.compareAndSwap('long', long, 'again')).toBe(false);
    expect(await client.getString('long')).toBe('short');
  });

  it('putIfAbsent: exactly one of 8 concurrent writers wins', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => client.putIfAbsent('once', `w${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await client.getString('once')).toBe(`w${results.indexOf(true)}`);
  });

  it('refuses a raw value comparison in txn() before sending, and decodes get results', async () => {
    await client.put('t', 'plain');
    expect(() =>
      client
        .txn()
        .if(compare.value('t', '==', 'plain'))
        .onSuccess(op.put('t', 'x')),
    ).not.toThrow();
    await expect(
      client
        .txn()
        .if(compare.value('t', '==', 'plain'))
        .onSuccess(op.put('t', 'x'))
        .commit(),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await client.getString('t')).toBe('plain');
    const kv = await client.find('t');
    const res = await client
      .txn()
      .if(compare.modRevision('t', '==', kv!.modRevision))
      .onSuccess(op.put('t', 'guarded'), op.get('t'))
      .commit();
    expect(res.succeeded).toBe(true);
    expect(res.results[1]).toMatchObject({ type: 'get' });
    expect(await client.getString('t')).toBe('guarded');
  });

  it('STM reads and writes through the pipeline', async () => {
    await client.bulkPut({ 'acct/a': '100', 'acct/b': '0' });
    await Promise.all(
      Array.from({ length: 4 }, () =>
        client.stm(async (tx) => {
          const a = Number(await tx.getString('acct/a'));
          const b = Number(await tx.getString('acct/b'));
          tx.put('acct/a', String(a - 10));
          tx.put('acct/b', String(b + 10));
        }),
      ),
    );
    expect(await client.getString('acct/a')).toBe('60');
    expect(await client.getString('acct/b')).toBe('40');
    expect((await stored('acct/b'))?.toString()).not.toBe('40');
  });
});
