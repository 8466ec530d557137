import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import {
  CancelledError,
  type Client,
  ClosedError,
  LockLostError,
  TimeoutError,
  ValidationError,
  type Mutex,
} from '../src/index.js';
import { connect, endpoints, rawEtcd, revokeFromOutside, testConfig, uniquePrefix } from './helpers.js';
import { eventually, stillPending, within } from './waits.js';
import { coreOf } from '../src/internal.js';

let client: Client;
let other: Client;
let plain: Client; // no namespace: sees the keys etcdctl writes
let raw: Etcd3;
let ns: string;

beforeAll(async () => {
  ns = uniquePrefix('lock');
  client = await connect(testConfig().withNamespace(ns));
  other = await connect(testConfig().withNamespace(ns));
  plain = await connect(testConfig());
  raw = rawEtcd();
});
afterAll(async () => {
  await Promise.all([client.close(), other.close(), plain.close()]);
  raw.close();
});

/**
 * The fenced write of the issue, written as a raw transaction until the
 * transaction builder lands: put `key` only if `isOwner()` still holds.
 */
async function fencedPut(owner: Mutex, key: string, value: string): Promise<boolean> {
  const cmp = owner.isOwner();
  const res = await coreOf(client).caller.run('write', { op: 'fencedPut', key }, (grpc) =>
    coreOf(client).rpc.kv.txn(
      {
        compare: [
          {
            key: coreOf(client).keys.encode(cmp.key),
            target: 'Create',
            result: 'Equal',
            create_revision: cmp.operand as number,
          },
        ],
        success: [{ request_put: { key: coreOf(client).keys.encode(key), value: Buffer.from(value) } }],
      },
      grpc,
    ),
  );
  return res.succeeded;
}

describe('Mutex', () => {
  it('16 contenders each increment a plain counter 50 times: exactly 800', async () => {
    const name = 'counter-lock';
    await client.put('counter', '0');
    const clients = [client, other];
    const contenders = Array.from({ length: 16 }, (_, i) => clients[i % 2]!.newLock(name));
    try {
      await Promise.all(
        contenders.map(async (lock, i) => {
          const c = clients[i % 2]!;
          for (let n = 0; n < 50; n++) {
            await lock.withLock(async () => {
              const value = Number(await c.getString('counter'));
              await c.put('counter', String(value + 1));
            });
          }
        }),
      );
    } finally {
      await Promise.all(contenders.map((l) => l.close()));
    }
    expect(await client.getString('counter')).toBe('800');
    expect(await client.count(`${name}/`)).toBe(0);
  }, 60_000);

  it('tryLock is false while another client holds the lock and true right after release', async () => {
    await using a = client.newLock('try');
    await using b = other.newLock('try');
    expect(await a.tryLock()).toBe(true);
    expect(a.isHeld()).toBe(true);
    expect(await b.tryLock()).toBe(false);
    expect(b.isHeld()).toBe(false);
    expect(await client.count('try/')).toBe(1); // a failed tryLock writes nothing
    await a.unlock();
    expect(a.isHeld()).toBe(false);
    expect(await b.tryLock()).toBe(true);
    expect(await a.tryLock()).toBe(false);
  });

  it('keys follow Go: name/<lease id in hex>, fencing token = create revision, isOwner() a comparison', async () => {
    const session = await client.session({ ttl: 10 });
    await using lock = client.newLock('scheme', { session });
    await lock.lock();
    const kv = (await client.find(`scheme/${session.id}`))!;
    expect(kv).toBeDefined();
    expect(kv.lease).toBe(session.id);
    expect(lock.fencingToken).toBe(kv.createRevision);
    expect(lock.isOwner()).toEqual({
      key: `scheme/${session.id}`,
      target: 'createRevision',
      op: '==',
      operand: kv.createRevision,
    });
    await lock.unlock();
    expect(lock.fencingToken).toBeUndefined();
    expect(await fencedPut(lock, 'fenced-after-unlock', 'x')).toBe(false);
    await session.close();
  });

  it('waiters are served in arrival order, each watching only its predecessor', async () => {
    const locks = [client, other, client, other].map((c) => c.newLock('fifo'));
    try {
      await locks[0]!.lock();
      const order: number[] = [];
      const waits: Promise<void>[] = [];
      for (let i = 1; i < locks.length; i++) {
        waits.push(locks[i]!.lock().then(() => void order.push(i)));
        await eventually(3_000, async () => expect(await client.count('fifo/')).toBe(i + 1));
      }
      for (let i = 0; i < locks.length - 1; i++) {
        await locks[i]!.unlock();
        await within(3_000, waits[i]!);
      }
      expect(order).toEqual([1, 2, 3]);
      await locks[3]!.unlock();
    } finally {
      await Promise.all(locks.map((l) => l.close()));
    }
  });

  it('a waiter aborted by its signal, or timed out, leaves no key behind', async () => {
    await using holder = client.newLock('abort');
    await using waiter = other.newLock('abort');
    await holder.lock();
    const controller = new AbortController();
    const waiting = waiter.lock({ signal: controller.signal });
    await eventually(3_000, async () => expect(await client.count('abort/')).toBe(2));
    controller.abort();
    await expect(within(3_000, waiting)).rejects.toBeInstanceOf(CancelledError);
    expect(await client.count('abort/')).toBe(1);
    await expect(waiter.lock({ timeoutMs: 300 })).rejects.toBeInstanceOf(TimeoutError);
    expect(await client.count('abort/')).toBe(1);
    expect(waiter.isHeld()).toBe(false);
    await holder.unlock();
    await within(3_000, waiter.lock({ timeoutMs: 3_000 }));
  });

  it('a holder whose session lease is revoked is told; its fenced write is refused; the next waiter gets a larger token', async () => {
    const holderSession = await client.session({ ttl: 3 });
    await using holder = client.newLock('revoked', { session: holderSession });
    await using next = other.newLock('revoked');
    await holder.lock();
    const oldToken = holder.fencingToken!;
    expect(await fencedPut(holder, 'fenced', 'from holder')).toBe(true);
    const heard: unknown[] = [];
    holder.onLost((r) => heard.push(r));
    const waiting = next.lock();
    await eventually(3_000, async () => expect(await client.count('revoked/')).toBe(2));

    await revokeFromOutside(holderSession.id);
    const reason = await within(4_000, holder.lost);
    expect(reason).toBeInstanceOf(LockLostError);
    expect(heard).toEqual([reason]);
    expect(holder.isHeld()).toBe(false);
    expect(holder.fencingToken).toBeUndefined();
    expect(await fencedPut(holder, 'fenced', 'stale holder')).toBe(false);
    expect(await client.getString('fenced')).toBe('from holder');

    await within(3_000, waiting);
    expect(next.fencingToken).toBeGreaterThan(oldToken);
    expect(await fencedPut(next, 'fenced', 'next holder')).toBe(true);
    await expect(holder.unlock()).rejects.toBeInstanceOf(LockLostError);
    await next.unlock();
  });

  it('a holder whose key is deleted by hand is told, though its session lives on', async () => {
    await using lock = client.newLock('deleted');
    await lock.lock();
    await other.delete(lock.isOwner().key);
    expect(await within(3_000, lock.lost)).toBeInstanceOf(LockLostError);
    expect(lock.isHeld()).toBe(false);
    await expect(lock.unlock()).rejects.toBeInstanceOf(LockLostError);
    // Released at once, before any watch: unlock() finds the key gone.
    await lock.lock();
    await other.delete(lock.isOwner().key);
    await expect(lock.unlock()).rejects.toBeInstanceOf(LockLostError);
    expect(await lock.tryLock()).toBe(true); // the session itself is fine
    await lock.unlock();
  });

  it('a handle whose own session was revoked opens a new one on the next lock()', async () => {
    await using lock = client.newLock('renew');
    await lock.lock();
    const first = lock.isOwner().key;
    await revokeFromOutside(first.slice('renew/'.length));
    expect(await within(3_000, lock.lost)).toBeInstanceOf(LockLostError); // from the key's deletion
    await expect(lock.unlock()).rejects.toBeInstanceOf(LockLostError);
    await lock.lock(); // the 60 s session has not renewed since: the put finds its lease gone
    expect(lock.isOwner().key).not.toBe(first);
    expect(lock.isHeld()).toBe(true);
    await lock.unlock();
  });

  it('withLock aborts its signal and rejects when the lock is lost meanwhile', async () => {
    const session = await client.session({ ttl: 3 });
    await using lock = client.newLock('withlock-lost', { session });
    const run = lock.withLock(async (signal) => {
      await revokeFromOutside(session.id);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return 'done';
    });
    await expect(within(5_000, run)).rejects.toBeInstanceOf(LockLostError);
    await expect(lock.lock()).rejects.toBeInstanceOf(LockLostError); // the given session is gone
  });

  it('withLock releases on throw; callers of one handle take turns; unlock is a no-op when not held', async () => {
    await using lock = client.newLock('turns');
    await expect(lock.withLock(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await client.count('turns/')).toBe(0);
    await lock.unlock();
    await lock.lock();
    expect(await lock.tryLock()).toBe(false);
    const second = lock.lock();
    expect(await stillPending(second)).toBe(true);
    await lock.unlock();
    await within(3_000, second);
    expect(lock.isHeld()).toBe(true);
    await lock.unlock();
  });

  it('refuses two handles sharing a session and name, an empty name, and use after close', async () => {
    await using session = await client.session({ ttl: 10 });
    await using a = client.newLock('shared', { session });
    await using b = client.newLock('shared', { session });
    await a.lock();
    await expect(b.lock()).rejects.toBeInstanceOf(ValidationError);
    expect(() => client.newLock('')).toThrow(ValidationError);
    await a.close();
    expect(await client.count('shared/')).toBe(0);
    await expect(a.lock()).rejects.toBeInstanceOf(ClosedError);
    expect(session.active).toBe(true); // a given session outlives the handle
  });

  it('close() releases a held lock and revokes its own session; pending waiters are cancelled', async () => {
    const holder = client.newLock('close');
    const waiter = other.newLock('close');
    await holder.lock();
    // Observe the waiter's outcome before closing: it rejects while close() is still running.
    const waiting = within(3_000, waiter.lock()).then(
      () => undefined,
      (err: unknown) => err,
    );
    await eventually(3_000, async () => expect(await client.count('close/')).toBe(2));
    await waiter.close();
    expect(await waiting).toBeInstanceOf(ClosedError);
    await holder.close();
    expect(await client.count('close/')).toBe(0);
  });
});

describe('interop with etcdctl lock', () => {
  function etcdctlLock(name: string): { child: ChildProcess; acquired: Promise<string> } {
    const child = spawn('/usr/bin/etcdctl', [`--endpoints=${endpoints().join(',')}`, 'lock', name], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acquired = new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
      });
      child.once('exit', (code) => reject(new Error(`etcdctl lock exited (${code}) before acquiring`)));
    });
    acquired.catch(() => {});
    return { child, acquired };
  }

  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT'); // etcdctl revokes its session on interrupt
    await within(5_000, exited, 'etcdctl exit');
  }

  it('a lock held by etcdctl excludes ours; after it exits, ours is free', async () => {
    const name = `${ns}etcdctl-holds`;
    const { child, acquired } = etcdctlLock(name);
    try {
      const key = await within(5_000, acquired, 'etcdctl lock');
      expect(key).toMatch(new RegExp(`^${name}/[0-9a-f]+$`));
      await using lock = plain.newLock(name);
      expect(await lock.tryLock()).toBe(false);
      await stop(child);
      expect(await lock.tryLock()).toBe(true);
      await lock.unlock();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a lock held by us makes etcdctl wait until we release it', async () => {
    const name = `${ns}we-hold`;
    await using lock = plain.newLock(name);
    await lock.lock();
    const { child, acquired } = etcdctlLock(name);
    try {
      expect(await stillPending(acquired, 1_000)).toBe(true);
      await lock.unlock();
      expect(await within(5_000, acquired, 'etcdctl lock')).toMatch(new RegExp(`^${name}/`));
      expect(await lock.tryLock()).toBe(false);
      await stop(child);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
