import { AmbiguousWriteError, type Client, compare, op } from '../../src/index.js';
import type { HistoryOperation, KvOperation, KvResult } from '../../src/testing/index.js';

/** A small keyspace, so that clients collide. */
export const KEYS = ['k0', 'k1', 'k2', 'k3'];

/** A deterministic random source (mulberry32), so a failing run can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Figures of one client's run. */
export interface ClientFigures {
  ops: number;
  ambiguous: number;
  failed: number;
}

const text = (b: Buffer | undefined) => (b === undefined ? null : b.toString());

/** One random operation against `client` under `prefix`, with what etcd answered. */
async function perform(client: Client, prefix: string, kv: KvOperation): Promise<KvResult> {
  const k = (key: string) => `${prefix}${key}`;
  switch (kv.type) {
    case 'get': {
      const found = await client.find(k(kv.key));
      return { type: 'get', value: text(found?.value) };
    }
    case 'put':
      await client.put(k(kv.key), kv.value);
      return { type: 'put' };
    case 'delete':
      return { type: 'delete', deleted: await client.delete(k(kv.key)) };
    case 'cas':
      return { type: 'cas', succeeded: await client.compareAndSwap(k(kv.key), kv.expected ?? undefined, kv.value) };
    case 'txn': {
      const [cond] = kv.compares;
      const [put, get] = kv.success;
      if (!cond || put?.type !== 'put' || get?.type !== 'get') throw new Error('unexpected txn shape');
      const res = await client
        .txn()
        .if(cond.value === null ? compare.absent(k(cond.key)) : compare.value(k(cond.key), '==', cond.value))
        .onSuccess(op.put(k(put.key), put.value), op.get(k(get.key)))
        .onFailure(op.get(k(get.key)))
        .commit();
      const read = res.results.at(-1) as { kvs: { value: Buffer }[] };
      return { type: 'txn', succeeded: res.succeeded, gets: [text(read.kvs[0]?.value)] };
    }
  }
}

function randomOperation(
  random: () => number,
  name: string,
  n: number,
  lastSeen: Map<string, string | null>,
): KvOperation {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const key = pick(KEYS);
  const value = `${name}-${n}`;
  const roll = random();
  if (roll < 0.35) return { type: 'get', key };
  if (roll < 0.6) return { type: 'put', key, value };
  if (roll < 0.67) return { type: 'delete', key };
  if (roll < 0.87) return { type: 'cas', key, expected: lastSeen.get(key) ?? null, value };
  const other = pick(KEYS.filter((k) => k !== key));
  return {
    type: 'txn',
    compares: [{ key, value: lastSeen.get(key) ?? null }],
    success: [
      { type: 'put', key: other, value },
      { type: 'get', key },
    ],
    failure: [{ type: 'get', key }],
  };
}

/**
 * Runs random operations until `until` resolves, recording each with its
 * call and return times. A write whose outcome etcdkit calls ambiguous is
 * recorded without an end; any other error is a definite failure (nothing
 * changed) and is left out: if etcdkit were wrong about that, the history
 * would show a value nobody wrote.
 */
export async function runClient(
  client: Client,
  prefix: string,
  name: string,
  random: () => number,
  stop: AbortSignal,
  history: HistoryOperation[],
): Promise<ClientFigures> {
  const figures: ClientFigures = { ops: 0, ambiguous: 0, failed: 0 };
  const lastSeen = new Map<string, string | null>();
  for (let n = 0; !stop.aborted; n++) {
    const kv = randomOperation(random, name, n, lastSeen);
    const start = performance.now();
    try {
      const result = await perform(client, prefix, kv);
      history.push({ client: name, op: kv, start, end: performance.now(), result });
      if (result.type === 'get' && kv.type === 'get') lastSeen.set(kv.key, result.value);
      figures.ops++;
    } catch (err) {
      if (err instanceof AmbiguousWriteError) {
        history.push({ client: name, op: kv, start });
        figures.ambiguous++;
      } else {
        figures.failed++;
        // Definite failures come fast while the cluster is down: do not spin.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
  return figures;
}
