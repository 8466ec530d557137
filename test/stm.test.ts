import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError,
  type Client,
  ConflictError,
  ValidationError,
  type Isolation,
  type StmTx,
} from '../src/index.js';
import { stm } from '../src/concurrency/stm.js';
import * as kv from '../src/kv/index.js';
import { connect, rawEtcd, testConfig, uniquePrefix } from './helpers.js';
import { withCodec } from './xor-codec.js';

let client: Client;
let ns: string;

beforeAll(async () => {
  ns = uniquePrefix('stm');
  client = await connect(testConfig().withNamespace(ns));
});
afterAll(() => client.close());

describe('STM bank transfer', () => {
  it('10 accounts, 8 workers, 200 random transfers: total unchanged, no negative balance', async () => {
    const accounts = Array.from({ length: 10 }, (_, i) => `bank/acct-${i}`);
    await client.bulkPut(Object.fromEntries(accounts.map((a) => [a, '100'])));
    let next = 0;
    let conflicts = 0;
    let committed = 0;
    const transfer = async (tx: StmTx, from: string, to: string, amount: number) => {
      const a = Number(await tx.getString(from));
      const b = Number(await tx.getString(to));
      if (a < amount) return false; // refused: insufficient funds
      tx.put(from, String(a - amount));
      tx.put(to, String(b + amount));
      return true;
    };
    const worker = async () => {
      while (next < 200) {
        next++;
        const from = accounts[Math.floor(Math.random() * 10)]!;
        let to = from;
        while (to === from) to = accounts[Math.floor(Math.random() * 10)]!;
        const amount = 1 + Math.floor(Math.random() * 50);
        const res = await client.stm((tx) => transfer(tx, from, to, amount), { retries: 1000 });
        conflicts += res.attempts - 1;
        if (res.value) committed++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const balances = await Promise.all(accounts.map(async (a) => Number(await client.getString(a))));
    expect(balances.reduce((s, b) => s + b, 0)).toBe(1000);
    expect(balances.every((b) => b >= 0)).toBe(true);
    expect(committed).toBeGreaterThan(0);
    console.log(`stm bank: 200 transfers (${committed} moved money), ${conflicts} conflicts retried`);
  });
});

/** Runs an STM that reads `a`, lets another writer change `changed` during its first attempt only, then writes `b`. */
async function interfered(isolation: Isolation, changed: string): Promise<number> {
  await client.put('i/a', '1');
  await client.put('i/b', '1');
  let first = true;
  const res = await client.stm(
    async (tx) => {
      await tx.get('i/a');
      if (first) {
        first = false;
        await client.put(changed, 'interference');
      }
      tx.put('i/b', 'mine');
    },
    { isolation },
  );
  expect(await client.getString('i/b')).toBe('mine');
  return res.attempts;
}

describe('isolation levels and conflicts', () => {
  it('retries a read-write conflict in every level but read-committed', async () => {
    expect(await interfered('serializable-snapshot', 'i/a')).toBe(2);
    expect(await interfered('serializable', 'i/a')).toBe(2);
    expect(await interfered('repeatable-reads', 'i/a')).toBe(2);
    expect(await interfered('read-committed', 'i/a')).toBe(1);
  });

  it('catches a write-write conflict only in serializable-snapshot', async () => {
    expect(await interfered('serializable-snapshot', 'i/b')).toBe(2);
    expect(await interfered('serializable', 'i/b')).toBe(1);
  });

  it('reads a snapshot in the serializable levels, the latest value otherwise', async () => {
    const seen: Record<string, string | undefined> = {};
    for (const isolation of ['serializable', 'repeatable-reads'] as const) {
      await client.put('s/a', 'old');
      await client.put('s/b', 'old');
      let first = true;
      await client.stm(
        async (tx) => {
          await tx.get('s/a');
          if (first) await client.put('s/b', 'new');
          first = false;
          seen[isolation] = await tx.getString('s/b');
        },
        { isolation },
      );
    }
    expect(seen).toEqual({ serializable: 'old', 'repeatable-reads': 'new' });
  });

  it('gives up with ConflictError after `retries`, writing nothing', async () => {
    await client.put('g/a', '0');
    let runs = 0;
    const err = await client
      .stm(
        async (tx) => {
          runs++;
          await tx.get('g/a');
          await client.put('g/a', String(runs));
          tx.put('g/out', 'never');
        },
        { retries: 2 },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(runs).toBe(3);
    expect(await client.exists('g/out')).toBe(false);
  });

  it('reads its own writes and deletes', async () => {
    await client.put('o/k', 'before');
    const res = await client.stm(async (tx) => {
      tx.put('o/k', 'after');
      const afterPut = await tx.getString('o/k');
      tx.delete('o/k');
      return [afterPut, await tx.get('o/k')];
    });
    expect(res.value).toEqual(['after', undefined]);
    expect(await client.exists('o/k')).toBe(false);
  });
});

describe('STM edges', () => {
  it('passes an error thrown by the function through, writing nothing', async () => {
    const boom = new Error('boom');
    await expect(client.stm((tx) => (tx.put('e/k', 'v'), Promise.reject(boom)))).rejects.toBe(boom);
    expect(await client.exists('e/k')).toBe(false);
  });

  it('a read-only snapshot transaction needs no commit', async () => {
    await client.put('r/k', 'v');
    const res = await client.stm(async (tx) => tx.getString('r/k'));
    expect(res).toMatchObject({ value: 'v', attempts: 1 });
    expect(res.revision).toBeGreaterThan(0);
  });

  it('values go through the value pipeline', async () => {
    const core = withCodec(client);
    await kv.put(core, 'v/k', '41');
    // Uncontended read-modify-write of one key commits first time (etcd3's snapshot STM never does: etcd-io/etcd#8439).
    const res = await stm(core, async (tx) => tx.put('v/k', String(Number(await tx.getString('v/k')) + 1)));
    expect(res.attempts).toBe(1);
    expect((await kv.get(core, 'v/k')).toString()).toBe('42');
    const raw = rawEtcd();
    try {
      expect((await raw.get(`${ns}v/k`).string())?.includes('42')).toBe(false);
    } finally {
      raw.close();
    }
  });

  it('checks options and the signal; the transaction is unusable after its attempt', async () => {
    await expect(client.stm(() => 1, { isolation: 'snapshot' as Isolation })).rejects.toThrow(ValidationError);
    await expect(client.stm(() => 1, { retries: -1 })).rejects.toThrow(ValidationError);
    await expect(client.stm(() => 1, { signal: AbortSignal.abort() })).rejects.toThrow(CancelledError);
    let leaked: StmTx | undefined;
    await client.stm((tx) => {
      leaked = tx;
    });
    expect(() => leaked!.put('late', 'v')).toThrow(ValidationError);
  });
});
