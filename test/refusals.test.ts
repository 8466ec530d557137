import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import {
  AmbiguousWriteError,
  Client,
  FutureRevisionError,
  RequestRefusedError,
  TxnTooLargeError,
  ValidationError,
  compare,
  op,
} from '../src/index.js';
import { connect, rawEtcd, testConfig, uniquePrefix } from './helpers.js';
import { coreOf } from '../src/internal.js';

// What etcd refuses is refused before sending where it can be known, and
// otherwise reported as a definite, typed error: etcd answered, so nothing
// is ambiguous.

let client: Client;
let raw: Etcd3;
beforeAll(async () => {
  client = await connect();
  raw = rawEtcd();
});
afterAll(async () => {
  await client.close();
  raw.close();
});

const caught = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('lease TTLs', () => {
  it("over etcd's maximum (9,000,000,000 s) are refused before sending; the maximum is granted", async () => {
    await expect(client.lease(1e12)).rejects.toThrow(ValidationError);
    await expect(client.lease(9_000_000_001)).rejects.toThrow(/9000000000/);
    await expect(client.session({ ttl: 1e10 })).rejects.toThrow(ValidationError);
    const longest = await client.lease(9_000_000_000);
    await longest.revoke();
  });

  it("etcd's own refusals of a lease grant are definite errors, never AmbiguousWriteError", async () => {
    const { caller, etcd } = coreOf(client);
    const tooLong = await caught(
      caller.run('write', { op: 'lease.grant' }, (g) => etcd.leaseClient.leaseGrant({ TTL: 1e12 }, g)),
    );
    expect(tooLong).toBeInstanceOf(ValidationError);
    expect(tooLong).not.toBeInstanceOf(AmbiguousWriteError);
    const lease = await client.lease(30);
    try {
      const id = BigInt(`0x${lease.id}`).toString(10);
      // FAILED_PRECONDITION: etcdserver: lease already exists.
      const twice = await caught(
        caller.run('write', { op: 'lease.grant' }, (g) => etcd.leaseClient.leaseGrant({ ID: id, TTL: 30 }, g)),
      );
      expect(twice).toBeInstanceOf(RequestRefusedError);
      expect((twice as RequestRefusedError).code).toBe('REQUEST_REFUSED');
    } finally {
      await lease.revoke();
    }
  });
});

describe('clear messages for client-side misuse', () => {
  it('a lease given as a number names the number', async () => {
    const p = uniquePrefix('lease-num');
    const err = await caught(client.put(`${p}k`, 'v', { lease: 1234 as unknown as string }));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain('got 1234 (a number');
    expect(await raw.getAll().prefix(p).count()).toBe(0);
  });

  it("op.getPrefix('') and prefix comparisons on '' accept { all: true }, as the error says", async () => {
    const scoped = await Client.connect(testConfig().withNamespace(uniquePrefix('all')));
    try {
      await scoped.put('a', '1');
      await expect(scoped.txn().onSuccess(op.getPrefix('')).commit()).rejects.toThrow(/\{ all: true \}/);
      await expect(
        scoped
          .txn()
          .if(compare.exists('', { prefix: true }))
          .commit(),
      ).rejects.toThrow(/\{ all: true \}/);
      const res = await scoped
        .txn()
        .if(compare.exists('', { prefix: true, all: true }))
        .onSuccess(op.getPrefix('', { all: true }))
        .commit();
      expect(res.succeeded).toBe(true);
      expect(res.results[0]!.kvs.map((kv) => kv.key)).toEqual(['a']);
    } finally {
      await scoped.close();
    }
  });
});

describe('nested transaction size', () => {
  const puts = (p: string, n: number) => Array.from({ length: n }, (_, i) => op.put(`${p}n${i}`, 'v'));

  it('is counted as etcd counts it (128 = 2 + 126 passes, 2 + 127 is refused by etcd and by us)', async () => {
    const p = uniquePrefix('nested');
    // etcd itself: a nested txn may use only what the enclosing one leaves of --max-txn-ops.
    const wire = (n: number) => ({
      success: [
        { request_put: { key: Buffer.from(`${p}raw`), value: Buffer.from('v') } },
        {
          request_txn: {
            success: Array.from({ length: n }, (_, i) => ({
              request_put: { key: Buffer.from(`${p}raw${i}`), value: Buffer.from('v') },
            })),
          },
        },
      ],
    });
    await expect(raw.kv.txn(wire(127))).rejects.toThrow(/too many operations in txn request/);
    await raw.kv.txn(wire(126));

    const err = await caught(
      client
        .txn()
        .onSuccess(op.put(`${p}top`, 'v'), op.txn({ onSuccess: puts(p, 127) }))
        .commit(),
    );
    expect(err).toBeInstanceOf(TxnTooLargeError);
    expect((err as TxnTooLargeError).ops).toBe(129);
    expect((err as Error).message).toContain('transaction of 129 operations (as etcd counts them');
    const ok = await client
      .txn()
      .onSuccess(op.put(`${p}top`, 'v'), op.txn({ onSuccess: puts(p, 126) }))
      .commit();
    expect(ok.succeeded).toBe(true);
    expect(await client.count(`${p}n`)).toBe(126);
  });
});

describe('a revision the cluster has not reached', () => {
  it('gives FutureRevisionError naming the current revision, for get, list and compact', async () => {
    const p = uniquePrefix('future');
    const { revision } = await client.put(`${p}k`, 'v');
    const ahead = revision + 1_000_000;
    // One at a time: a call started early and awaited later would reject unhandled meanwhile.
    for (const attempt of [
      () => client.get(`${p}k`, { revision: ahead }),
      () => client.list(p, { revision: ahead }),
      () => client.compact(ahead),
    ]) {
      const err = await caught(attempt());
      expect(err).toBeInstanceOf(FutureRevisionError);
      const e = err as FutureRevisionError;
      expect(e.code).toBe('FUTURE_REVISION');
      expect(e.requestedRevision).toBe(ahead);
      expect(e.currentRevision).toBeGreaterThanOrEqual(revision);
      expect(e.currentRevision).toBeLessThan(ahead);
      expect(e.message).toContain(`current revision ${e.currentRevision}`);
    }
  });
});
