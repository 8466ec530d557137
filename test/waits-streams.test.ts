/**
 * Lock waits and election observers run on the client's shared watch streams
 * (the engine every watch uses), counted by etcd itself (/metrics on its
 * client port), and leave no watcher behind on the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, KeyValue } from '../src/index.js';
import { nextEvent } from '../src/concurrency/wait.js';
import type { EtcdHandle } from '../src/testing/index.js';
import { WatchPool } from '../src/watch/pool.js';
import { coreOf } from '../src/internal.js';
import { metric, watchStreams } from './metrics.js';
import { eventually, within } from './waits.js';
import { startOwnEtcd, stopOwnEtcd } from './support/own-etcd.js';

let etcd: EtcdHandle;
let client: Client;
let endpoint: string;

/** Watchers on the member (`etcd_debugging_mvcc_watcher_total`). */
const watchers = (): Promise<number> => metric(endpoint, 'etcd_debugging_mvcc_watcher_total');

beforeAll(async () => {
  // A member of its own: the counts below are this client's alone.
  ({ etcd, client, endpoint } = await startOwnEtcd());
});
afterAll(() => stopOwnEtcd({ etcd, client }));

describe('lock waits and election observers', () => {
  it('share the watch stream of the client’s watches, and leave no watcher on the server', async () => {
    const watch = await client.watch('unrelated');
    expect(await watchStreams(endpoint)).toBe(1);

    const holder = client.newLock('lock');
    const waiters = ['a', 'b', 'c'].map(() => client.newLock('lock'));
    const leader = client.election('election');
    const observer = client.election('election');
    const empty = client.election('empty');
    const handles = [holder, ...waiters, leader, observer, empty];
    try {
      await holder.lock();
      const acquired: number[] = [];
      const turns = waiters.map((w, i) => w.lock().then(() => void acquired.push(i)));
      for (const t of turns) t.catch(() => undefined); // awaited below; rejected only if the test fails first

      await leader.campaign('first');
      const seen: string[] = [];
      const follow = (async () => {
        for await (const kv of observer.observe()) seen.push(kv.value.toString());
      })();
      follow.catch(() => undefined);
      const firstOfEmpty = (async (): Promise<KeyValue | undefined> => {
        for await (const kv of empty.observe()) return kv;
      })();
      firstOfEmpty.catch(() => undefined);

      // The watch, three waiters on their predecessors, the followed leader key,
      // the empty election's range, and the guards of the held lock and leadership.
      await eventually(30_000, async () => expect(await watchers()).toBe(1 + 3 + 1 + 1 + 2));
      expect(await watchStreams(endpoint)).toBe(1);
      expect(WatchPool.of(coreOf(client)).streams).toBe(1);

      await leader.proclaim('second');
      await eventually(30_000, () => expect(seen).toEqual(['first', 'second']));
      await holder.unlock();
      for (let i = 0; i < waiters.length; i++) {
        // One at a time: each waiter wakes when the one ahead of it lets go.
        await eventually(30_000, () => expect(acquired.length).toBe(i + 1));
        await waiters[acquired[i]!]!.unlock();
      }
      expect(acquired.toSorted()).toEqual([0, 1, 2]);
      await within(30_000, Promise.all(turns));
      await empty.campaign('late');
      expect((await within(30_000, firstOfEmpty))?.value.toString()).toBe('late');

      await Promise.all(handles.map((h) => h.close()));
      await watch.close();
      // Every observer and waiter closed its watcher, and the idle stream went with them.
      await eventually(30_000, async () => expect(await watchers()).toBe(0));
      await eventually(30_000, async () => expect(await watchStreams(endpoint)).toBe(0));
      await within(30_000, follow);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await watch.close();
    }
  }, 120_000);
});

describe('nextEvent', () => {
  const key = () => coreOf(client).keys.encode('next');

  it('replays a deletion made before it was called, from the revision given', async () => {
    const put = await client.put('next', 'v');
    await client.delete('next');
    const event = await within(
      30_000,
      nextEvent(
        coreOf(client),
        { key: key(), fromRevision: put.revision + 1, type: 'delete' },
        new AbortController().signal,
      ),
    );
    expect(event?.type).toBe('delete');
    await eventually(30_000, async () => expect(await watchers()).toBe(0));
  });

  it('resolves undefined (read again) when its start revision is compacted', async () => {
    const first = await client.put('next', 'v1');
    const last = await client.put('next', 'v2');
    await client.compact(last.revision);
    const spec = { key: key(), fromRevision: first.revision, type: 'any' } as const;
    await expect(
      within(30_000, nextEvent(coreOf(client), spec, new AbortController().signal)),
    ).resolves.toBeUndefined();
    await eventually(30_000, async () => expect(await watchers()).toBe(0));
  });

  it('rejects with the signal’s reason when aborted, and cancels its watcher', async () => {
    const { revision } = await client.put('next', 'v3');
    const stop = new AbortController();
    const waiting = nextEvent(coreOf(client), { key: key(), fromRevision: revision + 1, type: 'delete' }, stop.signal);
    await eventually(30_000, async () => expect(await watchers()).toBe(1));
    const reason = new Error('a reason of the caller');
    stop.abort(reason);
    await expect(within(30_000, waiting)).rejects.toBe(reason);
    await eventually(30_000, async () => expect(await watchers()).toBe(0));
  });
});
