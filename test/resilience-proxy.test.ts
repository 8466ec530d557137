import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Etcd3 } from 'etcd3';
import { AmbiguousWriteError, Client, Config, type Client as ClientType } from '../src/index.js';
import { endpoints, rawEtcd, uniquePrefix } from './helpers.js';
import { startProxy, type FaultProxy } from './support/proxy.js';
import { eventually } from './waits.js';
import { coreOf } from '../src/internal.js';

// The reply of a request is lost on the way back (the proxy cuts the client's
// connection right after forwarding it): the write happened, the client
// cannot know. It must never be re-sent behind the caller's back.

let proxy: FaultProxy;
let client: ClientType;
const raw = () => rawEtcd();

beforeAll(async () => {
  proxy = await startProxy(endpoints()[0]!);
  client = await Client.connect(Config.defaults().withEndpoints(proxy.endpoint).withTimeout(3000));
});

afterAll(async () => {
  await client?.close();
  await proxy?.close();
});

/** A put inside a transaction, sent through the client's call layer. */
function txnPut(c: ClientType, key: string, value: string): Promise<boolean> {
  const core = coreOf(c);
  return core.caller.run('write', { op: 'txn', key }, (grpc) =>
    core.rpc.kv
      .txn(
        { compare: [], success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(value) } }], failure: [] },
        grpc,
      )
      .then((r) => r.succeeded),
  );
}

async function version(etcd: Etcd3, key: string): Promise<number> {
  const res = await etcd.get(key).exec();
  return Number(res.kvs[0]?.version ?? 0);
}

describe('a transaction whose reply is lost', () => {
  it('is applied once and reported ambiguous, never re-sent', async () => {
    const etcd = raw();
    try {
      const prefix = uniquePrefix('lost-reply');
      let ambiguous = 0;
      for (let i = 0; i < 5; i++) {
        const key = `${prefix}k${i}`;
        proxy.cutNext();
        const outcome = await txnPut(client, key, `v${i}`).then(
          () => 'ok',
          (err: unknown) => {
            expect(err).toBeInstanceOf(AmbiguousWriteError);
            expect((err as AmbiguousWriteError).code).toBe('AMBIGUOUS_WRITE');
            expect((err as AmbiguousWriteError).retryable).toBe(false);
            return 'ambiguous';
          },
        );
        if (outcome === 'ambiguous') ambiguous++;
        const v = await version(etcd, key);
        expect(v).toBeLessThanOrEqual(1);
        if (outcome === 'ok') expect(v).toBe(1);
      }
      expect(ambiguous).toBeGreaterThan(0);
    } finally {
      etcd.close();
    }
  });

  it('is applied twice by etcd3 with its default fault handling (the fault is real)', async () => {
    const etcd = raw();
    const viaProxy = new Etcd3({ hosts: proxy.endpoint });
    try {
      const key = `${uniquePrefix('etcd3-default')}k`;
      await viaProxy.get('warm-up').exec();
      proxy.cutNext();
      await viaProxy.kv.txn({
        compare: [],
        success: [{ request_put: { key: Buffer.from(key), value: Buffer.from('x') } }],
        failure: [],
      });
      // The first attempt's request is still on its own connection when the retry's answer comes back: etcd
      // may apply it after the retry, so wait for it rather than read once (a single read saw version 1).
      await eventually(10_000, async () => expect(await version(etcd, key)).toBe(2));
    } finally {
      viaProxy.close();
      etcd.close();
    }
  });
});

interface Counter {
  count: number;
  token: string;
  modRevision: number;
}

async function readCounter(c: ClientType, key: string): Promise<Counter> {
  const core = coreOf(c);
  const res = await core.caller.run('read', { op: 'get', key }, (grpc) =>
    core.rpc.kv.range({ key: Buffer.from(key) }, grpc),
  );
  const kv = res.kvs[0];
  if (!kv) throw new Error(`counter ${key} is missing`);
  const [count, token] = kv.value.toString().split(':');
  return { count: Number(count), token: token ?? '', modRevision: Number(kv.mod_revision) };
}

/**
 * Test-local compare-and-swap increment (the public CAS lives elsewhere): a
 * txn that writes `count+1:token` if the key's mod revision is unchanged. The
 * token names this increment, so after a lost reply a re-read tells whether it
 * applied; while the mod revision has not moved, resending the identical CAS
 * is safe (at most one of them can apply).
 */
async function casIncrement(
  c: ClientType,
  key: string,
  stats: { ambiguous: number; resolved: number; unresolved: number },
): Promise<boolean> {
  const core = coreOf(c);
  const token = randomUUID();
  for (let round = 0; round < 30; round++) {
    const cur = await readCounter(c, key);
    if (cur.token === token) return true; // an earlier round of this increment applied
    const next = Buffer.from(`${cur.count + 1}:${token}`);
    const cas = (grpc: object) =>
      core.rpc.kv
        .txn(
          {
            compare: [{ key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: cur.modRevision }],
            success: [{ request_put: { key: Buffer.from(key), value: next } }],
            failure: [],
          },
          grpc,
        )
        .then((r) => r.succeeded);
    try {
      const ok = await core.caller.run('write', { op: 'cas', key }, cas, {
        resolveAmbiguous: async () => {
          stats.ambiguous++;
          const now = await readCounter(c, key);
          if (now.token === token) return true;
          if (now.modRevision !== cur.modRevision) return false; // the compare can never hold again
          return undefined; // may still commit: stay ambiguous, the next round resends
        },
      });
      if (ok) return true;
      stats.resolved++;
    } catch (err) {
      if (!(err instanceof AmbiguousWriteError)) throw err;
      stats.unresolved++;
    }
  }
  return false;
}

describe('a CAS counter under lost replies', () => {
  it('ends at exactly the number of increments reported successful', async () => {
    const key = `${uniquePrefix('cas-counter')}n`;
    const etcd = raw();
    try {
      await etcd.put(key).value('0:init');
      const stats = { ambiguous: 0, resolved: 0, unresolved: 0 };
      let successes = 0;
      // A fixed pseudo-random third of the requests lose their reply (reads and CAS txns alike).
      let seed = 42;
      proxy.cutWhen(() => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 < 0.3);
      for (let i = 0; i < 30; i++) if (await casIncrement(client, key, stats)) successes++;
      proxy.cutWhen(undefined);
      const stored = (await etcd.get(key).string())!;
      expect(Number(stored.split(':')[0])).toBe(successes);
      expect(successes).toBeGreaterThan(0);
      expect(proxy.cuts).toBeGreaterThan(5);
      expect(stats.ambiguous).toBeGreaterThan(0); // some increments did lose their reply
    } finally {
      etcd.close();
    }
  });
});
