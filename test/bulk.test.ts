import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, PartialWriteError, TxnTooLargeError, ValidationError } from '../src/index.js';
import { connect, testConfig, uniquePrefix } from './helpers.js';

let client: Client;

beforeAll(async () => {
  client = await connect(testConfig().withNamespace(uniquePrefix('bulk')));
});
afterAll(() => client.close());

const entries = (n: number, prefix: string, value = (i: number) => `v${i}`) =>
  Array.from({ length: n }, (_, i) => [`${prefix}${String(i).padStart(6, '0')}`, value(i)] as const);

describe('bulkPut', () => {
  it('writes a small input in one atomic transaction', async () => {
    const res = await client.bulkPut({ 'one/a': '1', 'one/b': '2', 'one/c': '3' });
    expect(res).toEqual({ count: 3, revisions: [expect.any(Number)] });
    const kvs = await client.getRange('one/', 'one0');
    expect(kvs.map((kv) => kv.modRevision)).toEqual([res.revisions[0], res.revisions[0], res.revisions[0]]);
  });

  it('accepts a Map and an iterable of pairs; a repeated key keeps its last value', async () => {
    await client.bulkPut(new Map([['map/a', 'x']]));
    await client.bulkPut([
      ['pairs/a', '1'],
      ['pairs/a', '2'],
    ]);
    expect(await client.getString('map/a')).toBe('x');
    expect(await client.getString('pairs/a')).toBe('2');
  });

  it('writes 10,000 keys in chunks that fit the server limits', async () => {
    const res = await client.bulkPut(entries(10_000, 'ten/'));
    expect(res.count).toBe(10_000);
    expect(res.revisions).toHaveLength(Math.ceil(10_000 / client.config.maxTxnOps));
    expect(await client.count('ten/')).toBe(10_000);
    expect(await client.getString('ten/009999')).toBe('v9999');
  });

  it('splits by bytes as well as by operation count', async () => {
    const big = 'x'.repeat(400 * 1024);
    const res = await client.bulkPut(entries(8, 'bytes/', () => big));
    expect(res.revisions.length).toBeGreaterThanOrEqual(3); // 8 × 400 KiB cannot fit 1.5 MiB requests
    expect((await client.listWithValues('bytes/')).size).toBe(8);
  });

  it('{ atomic: true } refuses input that cannot fit one transaction, sending nothing', async () => {
    const err = await client.bulkPut(entries(129, 'atomic/'), { atomic: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TxnTooLargeError);
    expect(err).toMatchObject({ code: 'TXN_TOO_LARGE', ops: 129 });
    expect(await client.count('atomic/')).toBe(0);
    const ok = await client.bulkPut(entries(128, 'atomic/'), { atomic: true });
    expect(ok.revisions).toHaveLength(1);
  });

  it('validates every entry before sending any', async () => {
    const bad = [...entries(300, 'invalid/'), ['', 'empty key'] as const];
    await expect(client.bulkPut(bad)).rejects.toBeInstanceOf(ValidationError);
    const badValue = [...entries(300, 'invalid/'), ['invalid/z', 7 as unknown as string] as const];
    await expect(client.bulkPut(badValue)).rejects.toBeInstanceOf(ValidationError);
    expect(await client.count('invalid/')).toBe(0);
  });

  it('a server refusal of the first chunk surfaces as a typed error with nothing applied', async () => {
    // The client is told the server takes 500 ops per txn; the server takes 128.
    const limited = await connect(testConfig().withNamespace(uniquePrefix('refused')).withMaxTxnOps(500));
    try {
      const err = await limited.bulkPut(entries(600, 'p/'), { concurrency: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(/too many operations/);
      expect(await limited.count('p/')).toBe(0);
    } finally {
      await limited.close();
    }
  });
});

describe('bulkDelete', () => {
  it('deletes many keys in chunks and counts what was deleted', async () => {
    await client.bulkPut(entries(300, 'del/'));
    const keys = entries(300, 'del/').map(([k]) => k);
    const res = await client.bulkDelete([...keys, 'del/not-there']);
    expect(res.count).toBe(300);
    expect(res.revisions.length).toBe(Math.ceil(301 / client.config.maxTxnOps));
    expect(await client.count('del/')).toBe(0);
  });
});

describe('partial failures', () => {
  it('PartialWriteError carries the applied count when a later chunk fails', async () => {
    // The client is told the server takes 8 MiB requests; the server takes 1.5 MiB,
    // so the second chunk (one 3 MiB value) is refused after the first was applied.
    const ns = uniquePrefix('partial3');
    const c = await connect(
      testConfig()
        .withNamespace(ns)
        .withMaxRequestBytes(8 * 1024 * 1024)
        .withMaxTxnOps(100),
    );
    try {
      const small = entries(100, 'a/');
      const huge = [['b/huge', 'y'.repeat(3 * 1024 * 1024)] as const];
      const err = await c.bulkPut([...small, ...huge], { concurrency: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PartialWriteError);
      expect(err).toMatchObject({ code: 'PARTIAL_WRITE', applied: 100, total: 101 });
      expect(await c.count('a/')).toBe(100);
      expect(await c.exists('b/huge')).toBe(false);
    } finally {
      await c.close();
    }
  });
});
