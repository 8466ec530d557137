import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type Client,
  TxnTooLargeError,
  ValidationError,
  compare,
  op,
  type Comparison,
  type KeyValue,
  type Operation,
} from '../src/index.js';
import * as kv from '../src/kv/index.js';
import * as txn from '../src/txn/index.js';
import { connect, rawEtcd, testConfig, uniquePrefix } from './helpers.js';
import { withCodec } from './xor-codec.js';
import { coreOf } from '../src/internal.js';

let client: Client;
let ns: string;

beforeAll(async () => {
  ns = uniquePrefix('txn');
  client = await connect(testConfig().withNamespace(ns));
});
afterAll(() => client.close());

describe('compareAndSwap / putIfAbsent', () => {
  it('runs the 003 sequence: 10 -> 20 true, 15 -> 30 false, value stays 20', async () => {
    await client.put('counter', '10');
    expect(await client.compareAndSwap('counter', '10', '20')).toBe(true);
    expect(await client.getString('counter')).toBe('20');
    expect(await client.compareAndSwap('counter', '15', '30')).toBe(false);
    expect(await client.getString('counter')).toBe('20');
  });

  it('expected undefined creates only if absent; a missing key never equals a value', async () => {
    expect(await client.compareAndSwap('cas-new', undefined, 'a')).toBe(true);
    expect(await client.compareAndSwap('cas-new', undefined, 'b')).toBe(false);
    expect(await client.getString('cas-new')).toBe('a');
    expect(await client.compareAndSwap('cas-missing', '', 'x')).toBe(false);
    expect(await client.exists('cas-missing')).toBe(false);
  });

  it('putIfAbsent under 8 concurrent writers: exactly one wins', async () => {
    const others = await Promise.all(Array.from({ length: 7 }, () => connect(testConfig().withNamespace(ns))));
    try {
      const writers = [client, ...others];
      const won = await Promise.all(writers.map((c, i) => c.putIfAbsent('race', `writer-${i}`)));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await client.getString('race')).toBe(`writer-${won.indexOf(true)}`);
    } finally {
      await Promise.all(others.map((c) => c.close()));
    }
  });

  it('attaches the written key to a lease', async () => {
    const grant = await coreOf(client).etcd.leaseClient.leaseGrant({ TTL: 30 });
    const lease = BigInt(grant.ID).toString(16);
    expect(await client.putIfAbsent('leased', 'v', { lease })).toBe(true);
    expect((await client.find('leased'))?.lease).toBe(lease);
    await coreOf(client).etcd.leaseClient.leaseRevoke({ ID: grant.ID });
  });
});

describe('compareAndSwap with a transforming value pipeline', () => {
  it('compares plaintexts, stores no plaintext, and keeps the 003 semantics', async () => {
    const core = withCodec(client);
    await kv.put(core, 'enc-counter', '10');
    const raw = rawEtcd();
    try {
      const stored = await raw.get(`${ns}enc-counter`).buffer();
      expect(stored?.toString()).not.toContain('10');
      expect(await txn.compareAndSwap(core, 'enc-counter', '10', '20')).toBe(true);
      expect(await txn.compareAndSwap(core, 'enc-counter', '15', '30')).toBe(false);
      expect((await kv.get(core, 'enc-counter')).toString()).toBe('20');
      expect(await txn.putIfAbsent(core, 'enc-counter', 'x')).toBe(false);
    } finally {
      raw.close();
    }
  });

  it('when a writer gets in between the read and the guarded write: retries on the same plaintext, false on another', async () => {
    const core = withCodec(client);
    const etcdKv = coreOf(client).rpc.kv;
    const realTxn = etcdKv.txn.bind(etcdKv);
    // Wraps the real RPC (the request still goes to etcd) to let another write land just before the guarded txn.
    const interleave = (plaintext: string) =>
      vi.spyOn(etcdKv, 'txn').mockImplementationOnce(async (req, opts) => {
        await kv.put(core, 'enc-race', plaintext);
        return realTxn(req, opts);
      });
    await kv.put(core, 'enc-race', 'A');
    const same = interleave('A');
    expect(await txn.compareAndSwap(core, 'enc-race', 'A', 'B')).toBe(true);
    expect(same).toHaveBeenCalledTimes(2); // the failed guard, then the retry on the new revision
    same.mockRestore();
    expect((await kv.get(core, 'enc-race')).toString()).toBe('B');
    const other = interleave('C');
    expect(await txn.compareAndSwap(core, 'enc-race', 'B', 'D')).toBe(false);
    expect(other).toHaveBeenCalledTimes(1);
    other.mockRestore();
    expect((await kv.get(core, 'enc-race')).toString()).toBe('C');
  });

  it('loses no update when 8 writers increment a counter by read + compareAndSwap', async () => {
    const core = withCodec(client);
    await kv.put(core, 'enc-incr', '0');
    const increment = async () => {
      for (;;) {
        const seen = (await kv.get(core, 'enc-incr')).toString();
        if (await txn.compareAndSwap(core, 'enc-incr', seen, String(Number(seen) + 1))) return;
      }
    };
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 5; i++) await increment();
      }),
    );
    expect((await kv.get(core, 'enc-incr')).toString()).toBe('40');
  });

  it('refuses a raw value comparison in txn() without sending anything, and decodes get results', async () => {
    const core = withCodec(client);
    await kv.put(core, 'enc-doc', 'plain text');
    const spy = vi.spyOn(coreOf(client).rpc.kv, 'txn');
    const refused = new txn.TxnBuilder(core)
      .if(compare.value('enc-doc', '==', 'plain text'))
      .onSuccess(op.get('enc-doc'))
      .commit();
    await expect(refused).rejects.toThrow(ValidationError);
    await expect(refused).rejects.toThrow(/modRevision/);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    const seen = await kv.find(core, 'enc-doc');
    const res = await new txn.TxnBuilder(core)
      .if(compare.modRevision('enc-doc', '==', seen!.modRevision))
      .onSuccess(op.get('enc-doc'))
      .commit();
    expect(res.succeeded).toBe(true);
    if (res.succeeded) expect(res.results[0].kvs[0]?.value.toString()).toBe('plain text');
  });
});

/** Runs `cmp` as the only condition and says which branch ran. */
async function holds(cmp: Comparison): Promise<boolean> {
  return (await client.txn().if(cmp).commit()).succeeded;
}

describe('if / then / else', () => {
  it('evaluates every comparison kind, both ways', async () => {
    const first = await client.put('c/a', 'mmm');
    const second = await client.put('c/a', 'mmm');
    const grant = await coreOf(client).etcd.leaseClient.leaseGrant({ TTL: 30 });
    const lease = BigInt(grant.ID).toString(16);
    await client.put('c/leased', 'x', { lease });
    const cases: Array<[Comparison, boolean]> = [
      [compare.value('c/a', '==', 'mmm'), true],
      [compare.value('c/a', '!=', 'mmm'), false],
      [compare.value('c/a', '<', 'zzz'), true],
      [compare.value('c/a', '>', 'zzz'), false],
      [compare.value('c/nope', '==', ''), false],
      [compare.version('c/a', '==', 2), true],
      [compare.version('c/a', '>', 2), false],
      [compare.createRevision('c/a', '==', first.revision), true],
      [compare.createRevision('c/a', '!=', first.revision), false],
      [compare.modRevision('c/a', '==', second.revision), true],
      [compare.modRevision('c/a', '<', second.revision), false],
      [compare.lease('c/leased', '==', lease), true],
      [compare.lease('c/a', '==', lease), false],
      [compare.lease('c/a', '==', '0'), true],
      [compare.exists('c/a'), true],
      [compare.exists('c/nope'), false],
      [compare.absent('c/nope'), true],
      [compare.absent('c/a'), false],
      [compare.exists('c/', { prefix: true }), true],
      [compare.absent('c/', { prefix: true }), false],
      [compare.absent('nothing-here/', { prefix: true }), true],
      [compare.version('c/', '>', 0, { prefix: true }), true],
      [compare.version('c/', '>', 1, { prefix: true }), false],
    ];
    const got = await Promise.all(cases.map(([cmp]) => holds(cmp)));
    expect(got).toEqual(cases.map(([, want]) => want));
    await coreOf(client).etcd.leaseClient.leaseRevoke({ ID: grant.ID });
  });

  it('plugs a mutex-style isOwner() comparison into if()', async () => {
    const { revision } = await client.put('lock/owner', 'me');
    const isOwner: Comparison = { key: 'lock/owner', target: 'createRevision', op: '==', operand: revision };
    const fenced = await client.txn().if(isOwner).onSuccess(op.put('fenced', 'ok')).commit();
    expect(fenced.succeeded).toBe(true);
    await client.delete('lock/owner');
    await client.put('lock/owner', 'someone else');
    expect((await client.txn().if(isOwner).onSuccess(op.put('fenced', 'stale')).commit()).succeeded).toBe(false);
    expect(await client.getString('fenced')).toBe('ok');
  });

  it('runs the branch that matches with typed, decoded results', async () => {
    await client.put('t/x', '1');
    const res = await client
      .txn()
      .if(compare.value('t/x', '==', '1'))
      .onSuccess(op.put('t/x', '2', { prevKV: true }), op.get('t/x'), op.delete('t/y', { prevKV: true }))
      .onFailure(op.get('t/x'))
      .commit();
    expect(res.succeeded).toBe(true);
    expect(res.revision).toBeGreaterThan(0);
    if (!res.succeeded) return;
    const [put, get, del] = res.results;
    expect(put.previous?.value.toString()).toBe('1');
    expect(get.kvs.map((k: KeyValue) => [k.key, k.value.toString()])).toEqual([['t/x', '2']]);
    expect(del).toMatchObject({ type: 'delete', deleted: 0, previous: [] });
    const other = await client
      .txn()
      .if(compare.value('t/x', '==', '1'))
      .onSuccess(op.put('t/x', '3'))
      .onFailure(op.get('t/x'))
      .commit();
    expect(other.succeeded).toBe(false);
    if (!other.succeeded) expect(other.results[0].kvs[0]?.value.toString()).toBe('2');
  });

  it('supports get by prefix, deletePrefix, leases and nested transactions', async () => {
    await client.bulkPut({ 'p/1': 'a', 'p/2': 'b', 'p/3': 'c' });
    const grant = await coreOf(client).etcd.leaseClient.leaseGrant({ TTL: 30 });
    const lease = BigInt(grant.ID).toString(16);
    const res = await client
      .txn()
      .onSuccess(
        op.getPrefix('p/', { limit: 2 }),
        op.deletePrefix('p/', { prevKV: true }),
        op.txn({ if: [compare.absent('n/inner')], onSuccess: [op.put('n/inner', 'v', { lease })] }),
        // Every comparison, nested ones included, is evaluated before any operation runs.
        op.txn({ if: [compare.exists('p/1')], onSuccess: [op.get('p/1')] }),
      )
      .commit();
    if (!res.succeeded) throw new Error('expected success');
    const [get, delPrefix, nested, seesBefore] = res.results;
    expect(seesBefore.succeeded).toBe(true);
    if (seesBefore.succeeded) expect(seesBefore.results[0].kvs).toEqual([]);
    expect(get).toMatchObject({ type: 'get', count: 3, more: true });
    expect(get.kvs.map((k) => k.key)).toEqual(['p/1', 'p/2']);
    expect(delPrefix.deleted).toBe(3);
    expect(delPrefix.previous.map((k) => k.value.toString())).toEqual(['a', 'b', 'c']);
    expect(nested).toMatchObject({ type: 'txn', succeeded: true });
    expect((await client.find('n/inner'))?.lease).toBe(lease);
    expect(await client.count('p/')).toBe(0);
    await coreOf(client).etcd.leaseClient.leaseRevoke({ ID: grant.ID });
  });

  it('sends a read-only transaction as a read', async () => {
    await client.put('ro', 'v');
    const res = await client.txn().onSuccess(op.get('ro'), op.get('ro-missing')).commit();
    expect(res.succeeded && res.results.map((r) => r.kvs.length)).toEqual([1, 0]);
  });
});

describe('limits and validation, before any request', () => {
  const puts = (n: number, prefix = 'big/'): Operation[] =>
    Array.from({ length: n }, (_, i) => op.put(`${prefix}${i}`, 'v'));

  it('129 operations -> TxnTooLargeError without a request; 128 commit', async () => {
    const spy = vi.spyOn(coreOf(client).rpc.kv, 'txn');
    try {
      const err = await client
        .txn()
        .onSuccess(...puts(129))
        .commit()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TxnTooLargeError);
      expect(err).toMatchObject({ code: 'TXN_TOO_LARGE', ops: 129 });
      const cmps = Array.from({ length: 129 }, (_, i) => compare.absent(`big/${i}`));
      await expect(
        client
          .txn()
          .if(...cmps)
          .commit(),
      ).rejects.toThrow(TxnTooLargeError);
      expect(spy).not.toHaveBeenCalled();
      expect(
        (
          await client
            .txn()
            .onSuccess(...puts(128))
            .commit()
        ).succeeded,
      ).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('counts nested transactions against what the outer one leaves, as etcd does', async () => {
    const inner = op.txn({ onSuccess: puts(100, 'nest-a/') });
    await expect(
      client
        .txn()
        .onSuccess(inner, ...puts(29, 'nest-b/'))
        .commit(),
    ).rejects.toThrow(TxnTooLargeError);
    const fits = op.txn({ onSuccess: puts(98, 'nest-a/') });
    expect(
      (
        await client
          .txn()
          .onSuccess(fits, ...puts(29, 'nest-b/'))
          .commit()
      ).succeeded,
    ).toBe(true);
  });

  it('refuses a request over maxRequestBytes', async () => {
    const small = await connect(
      testConfig()
        .withNamespace(ns)
        .withMaxRequestBytes(8 * 1024),
    );
    try {
      const ops = Array.from({ length: 4 }, (_, i) => op.put(`bytes/${i}`, 'x'.repeat(2000)));
      await expect(
        small
          .txn()
          .onSuccess(...ops)
          .commit(),
      ).rejects.toThrow(TxnTooLargeError);
    } finally {
      await small.close();
    }
  });

  it('refuses duplicate keys in one branch (put/put, put inside a deleted range, nested) but not across branches', async () => {
    const spy = vi.spyOn(coreOf(client).rpc.kv, 'txn');
    try {
      const dupes: Operation[][] = [
        [op.put('d/k', '1'), op.put('d/k', '2')],
        [op.deletePrefix('d/'), op.put('d/k', '1')],
        [op.delete('d/k'), op.put('d/k', '1')],
        [op.put('d/k', '1'), op.txn({ onSuccess: [op.put('d/k', '2')] })],
        [op.txn({ onSuccess: [op.deletePrefix('d/')] }), op.put('d/k', '1')],
      ];
      for (const ops of dupes) {
        await expect(
          client
            .txn()
            .onSuccess(...ops)
            .commit(),
        ).rejects.toThrow(/more than once/);
      }
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    const ok = await client
      .txn()
      .if(compare.absent('d/k'))
      .onSuccess(
        op.put('d/k', '1'),
        op.txn({ if: [compare.absent('d/z')], onSuccess: [op.put('d/z', '1')], onFailure: [op.put('d/z', '2')] }),
      )
      .onFailure(op.put('d/k', '2'))
      .commit();
    expect(ok.succeeded).toBe(true);
  });

  it('refuses bad comparisons and operations with ValidationError', async () => {
    const bad = [
      { key: 'k', target: 'version', op: '=', operand: 1 },
      { key: 'k', target: 'size', op: '==', operand: 1 },
      { key: 'k', target: 'modRevision', op: '==', operand: -1 },
      { key: 'k', target: 'lease', op: '==', operand: 'not-hex' },
      { key: '', target: 'version', op: '==', operand: 0 },
      { key: '', prefix: true, target: 'version', op: '==', operand: 0 },
    ] as unknown as Comparison[];
    for (const cmp of bad) await expect(client.txn().if(cmp).commit()).rejects.toThrow(ValidationError);
    await expect(
      client
        .txn()
        .onSuccess({ type: 'merge' } as unknown as Operation)
        .commit(),
    ).rejects.toThrow(ValidationError);
    await expect(client.txn().onSuccess(op.deletePrefix('')).commit()).rejects.toThrow(/empty prefix/);
  });

  it('the builder is immutable and not thenable', async () => {
    const base = client.txn();
    const withCond = base.if(compare.absent('imm'));
    expect(withCond).not.toBe(base);
    expect('then' in base).toBe(false);
    expect((await base.onSuccess(op.put('imm', '1')).commit()).succeeded).toBe(true);
    expect((await withCond.onSuccess(op.put('imm2', '1')).commit()).succeeded).toBe(false);
  });
});
