/**
 * Batching keeps each caller to itself: its bad options, its deadline, its
 * permissions and its errors are its own, whatever its batch mates do.
 * Own etcds: one is stalled with SIGSTOP, one runs with access control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmbiguousWriteError,
  CancelledError,
  Client,
  Config,
  PermissionDeniedError,
  TimeoutError,
  ValidationError,
} from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { uniquePrefix } from './helpers.js';
import { whileStalled } from './support/stall.js';

let etcd: EtcdHandle;
let reader: Client;
let writer: Client;

beforeAll(async () => {
  etcd = await startEtcd({ isolated: true });
  const config = Config.defaults().withEndpoints(...etcd.endpoints);
  reader = await Client.connect(config);
  writer = await Client.connect(config.withWriteBatching({ maxDelayMs: 50 }));
}, 60_000);

afterAll(async () => {
  await reader?.close();
  await writer?.close();
  await etcd?.stop();
});

/** Tells whether `promise` has settled, without waiting for it. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

describe("a caller's bad options fail that caller only", () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
    it(`reads: timeoutMs ${bad} on one queued read`, async () => {
      const k = `${uniquePrefix('bad-read')}k`;
      await reader.put(k, 'v');
      const first = reader.getString(k); // in flight: the ones below queue behind it
      const outcomes = await Promise.allSettled([
        reader.getString(k, { timeoutMs: bad }),
        reader.getString(k),
        reader.exists(k),
        reader.find(k, { signal: 'nope' as never }),
      ]);
      expect(await first).toBe('v');
      expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: expect.any(ValidationError) });
      expect(outcomes[1]).toEqual({ status: 'fulfilled', value: 'v' });
      expect(outcomes[2]).toEqual({ status: 'fulfilled', value: true });
      expect(outcomes[3]).toMatchObject({ status: 'rejected', reason: expect.any(ValidationError) });
    });

    it(`writes: timeoutMs ${bad} on one queued put`, async () => {
      const p = uniquePrefix('bad-write');
      const busy = writer.put(`${p}busy`, 'x'); // in flight: the ones below queue behind it
      const outcomes = await Promise.allSettled([
        writer.put(`${p}a`, 'a'),
        writer.put(`${p}bad`, 'bad', { timeoutMs: bad }),
        writer.delete(`${p}busy`, { timeoutMs: bad }),
        writer.put(`${p}b`, 'b'),
      ]);
      await busy;
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
      expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
      expect(await writer.list(p)).toEqual([`${p}a`, `${p}b`, `${p}busy`]);
    });
  }
  it('options that are not an object, or a prevKV that is not a boolean, fail their caller only', async () => {
    const p = uniquePrefix('bad-shape');
    await reader.put(`${p}k`, 'v');
    const busyRead = reader.getString(`${p}k`);
    const busyWrite = writer.put(`${p}busy`, 'x');
    const outcomes = await Promise.allSettled([
      reader.getString(`${p}k`, null as never),
      reader.exists(`${p}k`, 'fast' as never),
      writer.put(`${p}a`, 'a', null as never),
      writer.put(`${p}b`, 'b', { prevKV: 'yes' as never }),
      writer.delete(`${p}k`, null as never),
      writer.deletePrefix(p, { prevKV: 1 as never }),
      reader.getString(`${p}k`),
      writer.put(`${p}c`, 'c'),
    ]);
    expect(await busyRead).toBe('v');
    await busyWrite;
    for (const o of outcomes.slice(0, 6)) {
      expect(o).toMatchObject({ status: 'rejected', reason: expect.any(ValidationError) });
    }
    expect(outcomes[6]).toEqual({ status: 'fulfilled', value: 'v' });
    expect(outcomes[7]).toMatchObject({ status: 'fulfilled' });
    expect(await writer.list(p)).toEqual([`${p}busy`, `${p}c`, `${p}k`]);
  });
});

describe("a queued caller's deadline counts from its call", () => {
  it('a queued read times out on its own while etcd is stalled and the read ahead of it waits', async () => {
    const k = `${uniquePrefix('stall-read')}k`;
    await reader.put(k, 'v');
    await whileStalled(etcd, async () => {
      const first = tracked(reader.getString(k, { timeoutMs: 60_000 }));
      const queued = await reader.getString(k, { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(queued).toBeInstanceOf(TimeoutError);
      expect((queued as Error).message).toContain(`get '${k}'`);
      expect(first.settled()).toBe(false); // it did not wait for the read ahead of it
      first.promise.catch(() => undefined);
    });
  }, 30_000);

  it('a batch every caller left frees the way: the next read is sent, not queued behind it', async () => {
    const k = `${uniquePrefix('stall-left')}k`;
    await reader.put(k, 'v');
    await whileStalled(etcd, async () => {
      const ac = new AbortController();
      // Two reads of one turn: one batch, sent into the stalled etcd, with a minute to wait.
      const left = [
        reader.getString(k, { timeoutMs: 60_000, signal: ac.signal }),
        reader.exists(k, { timeoutMs: 60_000, signal: ac.signal }),
      ];
      await new Promise((r) => setImmediate(r));
      ac.abort();
      for (const r of await Promise.allSettled(left)) expect(r).toMatchObject({ reason: expect.any(CancelledError) });
      // Sent on its own (its own deadline on the wire), not left waiting in a batch behind the abandoned one.
      const next = await reader.getString(k, { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(next).toBeInstanceOf(TimeoutError);
      expect((next as Error).message).not.toContain('waited in a read batch');
    });
  }, 30_000);

  it('a queued write times out on its own, unsent, while etcd is stalled', async () => {
    const k = `${uniquePrefix('stall-write')}k`;
    let first: ReturnType<typeof tracked<unknown>> | undefined;
    await whileStalled(etcd, async () => {
      first = tracked(writer.put(k, 'first', { timeoutMs: 60_000 }));
      // Same key: it may not be sent before the write ahead of it is answered.
      const queued = await writer.put(k, 'second', { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(queued).toBeInstanceOf(TimeoutError); // never sent: definitely not applied
      expect((queued as Error).message).toContain(`put '${k}'`);
      expect(first.settled()).toBe(false);
    });
    await first!.promise;
    expect(await writer.getString(k)).toBe('first');
  }, 30_000);

  it('a write whose batch was sent gets AmbiguousWriteError at its own deadline', async () => {
    const p = uniquePrefix('stall-sent');
    let first: ReturnType<typeof tracked<unknown>> | undefined;
    await whileStalled(etcd, async () => {
      first = tracked(writer.put(`${p}first`, 'x', { timeoutMs: 60_000 }));
      // Another key: its batch goes after maxDelayMs (50), into the stalled etcd.
      const sent = await writer.put(`${p}sent`, 'x', { timeoutMs: 1_000 }).catch((e: unknown) => e);
      expect(sent).toBeInstanceOf(AmbiguousWriteError);
      expect((sent as Error).message).toContain(`put '${p}sent'`);
      expect(first.settled()).toBe(false);
    });
    await first!.promise;
  }, 30_000);
});

describe('errors of a batched call name its own operation and key', () => {
  it('a write batch refused for a missing lease', async () => {
    const p = uniquePrefix('own-error');
    const busy = writer.put(`${p}busy`, 'x');
    const outcomes = await Promise.allSettled([
      writer.put(`${p}a`, 'a'),
      writer.delete(`${p}b`),
      writer.put(`${p}c`, 'c', { lease: 'deadbeef' }),
    ]);
    await busy;
    const reasons = outcomes.map((o) => (o as PromiseRejectedResult).reason as Error);
    for (const r of reasons) expect(r).toMatchObject({ code: 'LEASE_NOT_FOUND' });
    expect(reasons[0]!.message).toMatch(new RegExp(`^put '${p}a' \\(in a batch of 3\\): .*lease not found`));
    expect(reasons[1]!.message).toMatch(new RegExp(`^delete '${p}b' \\(in a batch of 3\\): `));
    expect(reasons[2]!.message).toMatch(new RegExp(`^put '${p}c' `));
    expect(reasons[2]!.stack).toContain(`put '${p}c'`);
  });
  it('a read batch that fails as a whole (the client closed under it)', async () => {
    const own = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
    const p = uniquePrefix('own-read-error');
    const first = own.get(`${p}k`).catch(() => undefined);
    // Sent at the end of this turn; the answer cannot be read before the check phase: in flight.
    await new Promise((r) => setImmediate(r));
    const queued = Promise.allSettled([own.get(`${p}a`), own.exists(`${p}b`)]);
    await own.close();
    await first;
    const reasons = (await queued).map((o) => (o as PromiseRejectedResult).reason as Error);
    for (const r of reasons) expect(r).toMatchObject({ code: 'CLOSED' });
    expect(reasons[0]!.message).toMatch(new RegExp(`^get '${p}a' \\(in a batch of 2\\): `));
    expect(reasons[1]!.message).toMatch(new RegExp(`^exists '${p}b' \\(in a batch of 2\\): `));
  });
});

describe('under access control, one denied caller fails alone', () => {
  let secured: EtcdHandle;
  let alice: Client;
  let aliceWriter: Client;

  beforeAll(async () => {
    secured = await startEtcd({ auth: { rootPassword: 'root-secret-1' } });
    const base = Config.defaults().withEndpoints(...secured.endpoints);
    await using root = await Client.connect(base.withAuth('root', 'root-secret-1'));
    await root.auth.addRole('app');
    await root.auth.grantPermission('app', { prefix: '/app/' }, 'readwrite');
    await root.auth.addUser('alice', 'alice-secret-2');
    await root.auth.grantRole('alice', 'app');
    await root.put('/app/a', 'A');
    await root.put('/app/b', 'B');
    await root.put('/secret/x', 'X');
    alice = await Client.connect(base.withAuth('alice', 'alice-secret-2'));
    aliceWriter = await Client.connect(base.withAuth('alice', 'alice-secret-2').withWriteBatching({ maxDelayMs: 50 }));
  }, 60_000);

  afterAll(async () => {
    await alice?.close();
    await aliceWriter?.close();
    await secured?.stop();
  });

  it('reads: each gets its own value or its own PermissionDeniedError', async () => {
    const outcomes = await Promise.allSettled([
      alice.getString('/app/a'), // in flight: the ones below batch behind it
      alice.getString('/app/b'),
      alice.getString('/secret/x'),
      alice.exists('/app/a'),
      alice.find('/app/missing'),
    ]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'A' });
    expect(outcomes[1]).toEqual({ status: 'fulfilled', value: 'B' });
    expect(outcomes[2]).toMatchObject({ status: 'rejected', reason: expect.any(PermissionDeniedError) });
    expect((outcomes[2] as PromiseRejectedResult).reason.message).toMatch(/^get '\/secret\/x'/);
    expect(outcomes[3]).toEqual({ status: 'fulfilled', value: true });
    expect(outcomes[4]).toEqual({ status: 'fulfilled', value: undefined });
  });

  it('writes: the refused write names its key; its batch mates are written', async () => {
    const busy = aliceWriter.put('/app/busy', 'x'); // in flight: the ones below batch behind it
    const outcomes = await Promise.allSettled([
      aliceWriter.put('/app/c', 'C'),
      aliceWriter.put('/secret/y', 'Y'),
      aliceWriter.delete('/app/b'),
    ]);
    await busy;
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled' });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: expect.any(PermissionDeniedError) });
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toMatch(/^put '\/secret\/y'/);
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 1 });
    expect(await alice.getString('/app/c')).toBe('C');
    expect(await alice.exists('/app/b')).toBe(false);
  });
});
