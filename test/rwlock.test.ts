import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, type Client, type RWMutex } from '../src/index.js';
import { connect, testConfig, uniquePrefix } from './helpers.js';
import { eventually, stillPending, within } from './waits.js';

let client: Client;
let other: Client;

beforeAll(async () => {
  const ns = uniquePrefix('rwlock');
  client = await connect(testConfig().withNamespace(ns));
  other = await connect(testConfig().withNamespace(ns));
});
afterAll(() => Promise.all([client.close(), other.close()]));

function handles(name: string, n: number): RWMutex[] {
  return Array.from({ length: n }, (_, i) => (i % 2 ? other : client).newRWLock(name));
}

async function closeAll(locks: RWMutex[]): Promise<void> {
  await Promise.all(locks.map((l) => l.close()));
}

describe('RWMutex', () => {
  it('readers hold together; a writer excludes them and is excluded by them', async () => {
    const [r1, r2, w1, w2] = handles('basic', 4) as [RWMutex, RWMutex, RWMutex, RWMutex];
    try {
      await r1.readLock();
      await within(3_000, r2.readLock());
      expect(r1.isHeld() && r2.isHeld()).toBe(true);
      expect(await w2.tryWriteLock()).toBe(false);
      const writing = w1.writeLock();
      expect(await stillPending(writing)).toBe(true);
      await r1.unlock();
      expect(await stillPending(writing)).toBe(true);
      await r2.unlock();
      await within(3_000, writing);
      expect(await r1.tryReadLock()).toBe(false);
      expect(await w2.tryWriteLock()).toBe(false);
      await w1.unlock();
      expect(await r1.tryReadLock()).toBe(true);
      expect(await r2.tryReadLock()).toBe(true);
      expect(await w2.tryWriteLock()).toBe(false);
      await Promise.all([r1.unlock(), r2.unlock()]);
      expect(await w2.tryWriteLock()).toBe(true);
      expect(await client.count('basic/write/')).toBe(1);
      await w2.unlock();
      expect(await client.count('basic/')).toBe(0);
    } finally {
      await closeAll([r1, r2, w1, w2]);
    }
  });

  it('a waiting writer is not starved by a stream of readers', async () => {
    const readers = handles('starve', 6);
    const writer = other.newRWLock('starve');
    const order: string[] = [];
    try {
      // Readers arrive one after another, each before the previous leaves, so reads always overlap.
      await readers[0]!.readLock();
      const writing = writer.writeLock().then(() => void order.push('writer'));
      await eventually(3_000, async () => expect(await client.count('starve/write/')).toBe(1));
      const later = readers.slice(1).map((r, i) => r.readLock().then(() => void order.push(`reader${i + 1}`)));
      await eventually(3_000, async () => expect(await client.count('starve/read/')).toBe(6));
      expect(await stillPending(writing)).toBe(true);
      await readers[0]!.unlock();
      await within(3_000, writing);
      expect(order).toEqual(['writer']); // readers that came after the writer wait for it
      await writer.unlock();
      await within(3_000, Promise.all(later));
      expect(order[0]).toBe('writer');
      expect(order).toHaveLength(6);
      await Promise.all(readers.map((r) => r.unlock()));
    } finally {
      await closeAll([...readers, writer]);
    }
  });

  it('an aborted writer leaves no key, and the readers queued behind it proceed', async () => {
    const [r1, w, r2] = handles('abort', 3) as [RWMutex, RWMutex, RWMutex];
    try {
      await r1.readLock();
      const controller = new AbortController();
      const writing = w.writeLock({ signal: controller.signal });
      await eventually(3_000, async () => expect(await client.count('abort/write/')).toBe(1));
      const reading = r2.readLock();
      expect(await stillPending(reading)).toBe(true);
      controller.abort();
      await expect(within(3_000, writing)).rejects.toBeInstanceOf(CancelledError);
      await within(3_000, reading);
      expect(await client.count('abort/write/')).toBe(0);
      await Promise.all([r1.unlock(), r2.unlock()]);
    } finally {
      await closeAll([r1, w, r2]);
    }
  });
});
