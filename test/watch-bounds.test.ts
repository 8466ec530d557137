import diagnostics from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Watch, WatchEvent, WatchInfo } from '../src/index.js';
import { connect, rawEtcd, uniquePrefix } from './helpers.js';
import { eventually } from './waits.js';

// A shared watch's buffer bound: a consumer that does not keep up holds at
// most `bufferSize` events plus one server response's, and loses nothing.

let client: Client;

beforeAll(async () => {
  client = await connect();
});

afterAll(async () => {
  await client?.close();
});

describe('a shared watch with a consumer that does not keep up', () => {
  it('holds at most bufferSize events plus one response, then delivers every event in order', async () => {
    const prefix = uniquePrefix('bound');
    const bufferSize = 100;
    const watch = (await client.watchPrefix(prefix, { bufferSize })) as Watch;
    // etcd may put many revisions in one response (a watcher it had to hold back
    // is caught up in batches): the largest response received sets the bound.
    let largest = 0;
    const onWatch = (m: unknown) => {
      const info = m as WatchInfo;
      if (info.type === 'delivered') largest = Math.max(largest, info.count);
    };
    diagnostics.subscribe('etcdkit:watch', onWatch);
    const bound = () => bufferSize - 1 + largest;
    // Each put is its own revision (a plain etcd3 client: no write batching).
    // Written concurrently, many responses land in one read of the socket.
    const total = 1500;
    let peak = 0;
    const raw = rawEtcd();
    try {
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < total; i++) {
        const put = raw.put(`${prefix}k${String(i).padStart(4, '0')}`).value(String(i));
        writes.push(put.exec().then(() => (peak = Math.max(peak, watch.pending))));
      }
      await Promise.all(writes);
    } finally {
      raw.close();
    }
    // The watch stream is not the writes' stream: its events may still be on
    // the way when the last put answered. Nobody consumes, so the buffer only
    // grows: wait until it is full (it did fill up), then it stops there.
    await eventually(30_000, () => expect(watch.pending).toBeGreaterThanOrEqual(bufferSize));
    await new Promise((r) => setTimeout(r, 50));
    peak = Math.max(peak, watch.pending);
    expect(peak).toBeLessThanOrEqual(bound());
    const seen: WatchEvent[] = [];
    for await (const ev of watch) {
      seen.push(ev);
      peak = Math.max(peak, watch.pending);
      expect(peak).toBeLessThanOrEqual(bound());
      if (seen.length === total) break;
    }
    diagnostics.unsubscribe('etcdkit:watch', onWatch);
    // Every event once, in revision order (concurrent puts commit in any order).
    expect(new Set(seen.map((e) => e.key)).size).toBe(total);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.modRevision).toBe(seen[i - 1]!.modRevision + 1);
  }, 120_000);
});

describe('watch.requestProgress on a shared stream', () => {
  it('answers for a watch detached as a slow consumer, with a revision it has received everything up to', async () => {
    const prefix = uniquePrefix('progress-detached');
    const watch = (await client.watchPrefix(prefix, { bufferSize: 4 })) as Watch;
    const revisions: number[] = [];
    for (let i = 0; i < 20; i++) revisions.push((await client.put(`${prefix}k${i}`, String(i))).revision);
    // Nobody consumes: the watch fills its buffer and detaches.
    await eventually(10_000, () => expect(watch.pending).toBeGreaterThanOrEqual(4));
    const received = watch.revision;
    expect(received).toBeLessThan(revisions.at(-1)!);
    const current = await watch.requestProgress({ timeoutMs: 10_000 });
    expect(current).toBeGreaterThanOrEqual(received);
    // True: no change under the prefix between what it had received and the answer.
    expect(revisions.filter((r) => r > received && r <= current)).toEqual([]);
    await watch.close();
  });

  it('answers while another watch on the same stream catches up on a long history', async () => {
    const prefix = uniquePrefix('progress-catchup');
    const first = (await client.put(`${prefix}busy/0`, '0')).revision;
    const raw = rawEtcd();
    try {
      const writes: Promise<unknown>[] = [];
      for (let i = 1; i < 3000; i++) writes.push(raw.put(`${prefix}busy/${i}`).value(String(i)).exec());
      await Promise.all(writes);
    } finally {
      raw.close();
    }
    const quiet = (await client.watch(`${prefix}quiet`)) as Watch;
    const { revision: written } = await client.put(`${prefix}elsewhere`, 'x');
    // Created after the quiet one, on the same shared stream: replays 3000 revisions.
    const catchingUp = (await client.watchPrefix(`${prefix}busy/`, { fromRevision: first })) as Watch;
    const current = await quiet.requestProgress({ timeoutMs: 10_000 });
    expect(current).toBeGreaterThanOrEqual(written);
    await Promise.all([quiet.close(), catchingUp.close()]);
  });
});
