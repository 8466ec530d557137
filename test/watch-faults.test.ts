import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { Client, CompactedError, Config, type MirrorChange, type Watch, type WatchEvent } from '../src/index.js';
import { sleep } from './helpers.js';

let etcd: EtcdHandle;
let client: Client;

beforeAll(async () => {
  etcd = await startEtcd({ isolated: true }); // restarted and compacted below
  client = await Client.connect(
    Config.defaults()
      .withEndpoints(...etcd.endpoints)
      .withTimeout(3000),
  );
});
afterAll(async () => {
  await client?.close();
  await etcd?.stop();
});

/** Retries a write through outages; an ambiguous write may apply twice, which the event list then shows. */
async function persist<T>(write: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

/** Collects events until one reaches `revision` (or `ms` pass). */
async function until(
  watch: Awaited<ReturnType<Client['watchPrefix']>>,
  events: WatchEvent[],
  revision: () => number,
  ms: number,
): Promise<void> {
  const timer = setTimeout(() => void watch.close(), ms);
  try {
    for await (const ev of watch) {
      events.push(ev);
      if (ev.modRevision >= revision()) break;
    }
  } finally {
    clearTimeout(timer);
  }
}

const brief = (e: WatchEvent) => ({
  type: e.type,
  key: e.key,
  value: e.value.toString(),
  modRevision: e.modRevision,
  version: e.version,
});

describe('a watch across etcd restarts', () => {
  it('sees 5,000 puts and deletes over 50 keys exactly once, in order, through two restarts', async () => {
    const start = await client.revision();
    const watch = await client.watchPrefix('/r/');
    const events: WatchEvent[] = [];
    let end = Number.MAX_SAFE_INTEGER;
    const collecting = until(watch, events, () => end, 90_000);

    const puts = new Map<number, { key: string; value: string }>();
    let done = 0;
    const worker = async (w: number) => {
      for (let i = w; i < 5000; i += 8) {
        const key = `/r/k${(i * 13) % 50}`;
        if (i % 4 === 3) await persist(() => client.delete(key));
        else {
          const value = `v${i}`;
          const { revision } = await persist(() => client.put(key, value));
          puts.set(revision, { key, value });
        }
        done++;
      }
    };
    const restarts = (async () => {
      for (const at of [1500, 3500]) {
        while (done < at) await sleep(5);
        await etcd.restart();
      }
    })();
    await Promise.all([...Array.from({ length: 8 }, (_, w) => worker(w)), restarts]);
    end = await client.revision();
    if ((events.at(-1)?.modRevision ?? 0) >= end) await watch.close();
    await collecting;

    // Complete and strictly increasing: one event per revision (own etcd, only these writes).
    expect(events.length).toBe(end - start);
    expect(events.map((e) => e.modRevision)).toEqual(Array.from({ length: end - start }, (_, i) => start + 1 + i));
    // Every acknowledged put is the event at its revision.
    expect(puts.size).toBeGreaterThanOrEqual(3750);
    for (const [revision, put] of puts) {
      expect(brief(events[revision - start - 1]!)).toMatchObject({ type: 'put', ...put });
    }
    // And the list equals etcd's own history of the run, replayed by a fresh watch.
    const replay = await client.watchPrefix('/r/', { fromRevision: start + 1 });
    const replayed: WatchEvent[] = [];
    await until(replay, replayed, () => end, 20_000);
    expect(events.map(brief)).toEqual(replayed.map(brief));
  }, 120_000);
});

describe('a watch that breaks while catching up', () => {
  it('resumes after the last event it received (not the batch header revision): every event once', async () => {
    const start = await client.revision();
    let next = 0;
    const writer = async () => {
      for (let i = next++; i < 3000; i = next++) await client.put(`/cu2/k${i % 40}`, `v${i}`);
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    const end = await client.revision();
    const watch = await client.watchPrefix('/cu2/', { fromRevision: start + 1, bufferSize: 8 });
    const events: WatchEvent[] = [];
    const iterator = watch[Symbol.asyncIterator]();
    for (let i = 0; i < 100; i++) events.push((await iterator.next()).value as WatchEvent);
    expect((watch as Watch).revision).toBeLessThan(end);
    await etcd.restart();
    const timer = setTimeout(() => void watch.close(), 30_000);
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      events.push(r.value);
      if (r.value.modRevision >= end) break;
    }
    clearTimeout(timer);
    await watch.close();
    expect(events.map((e) => e.modRevision)).toEqual(Array.from({ length: end - start }, (_, i) => start + 1 + i));
  }, 60_000);
});

describe('compaction', () => {
  it('a watch or a read at a compacted revision fails with CompactedError carrying the revisions', async () => {
    const old = await client.put('/c/k', 'old');
    await client.put('/c/k', 'mid');
    const kept = await client.put('/c/k', 'new');
    await client.compact(kept.revision);
    const current = await client.revision();

    const watch = await client.watch('/c/k', { fromRevision: old.revision });
    const err = await (async () => {
      for await (const ev of watch) throw new Error(`unexpected event at ${ev.modRevision}`);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactedError);
    expect(err).toMatchObject({ code: 'COMPACTED', compactRevision: kept.revision, currentRevision: current });
    await expect(watch.done).rejects.toBeInstanceOf(CompactedError);

    const read = await client.get('/c/k', { revision: old.revision }).catch((e: unknown) => e);
    expect(read).toMatchObject({ code: 'COMPACTED', compactRevision: kept.revision, currentRevision: current });
    const list = await client.listWithValues('/c/', { revision: old.revision }).catch((e: unknown) => e);
    expect(list).toMatchObject({ code: 'COMPACTED', compactRevision: kept.revision });

    await expect(client.history('/c/k', { fromRevision: old.revision })).rejects.toMatchObject({
      code: 'COMPACTED',
      compactRevision: kept.revision,
    });
    // Without a start, history begins at the compaction point.
    expect((await client.history('/c/k')).map((v) => v.value.toString())).toEqual(['new']);
    // At the compaction point itself the watch works.
    const fromKept = await client.watch('/c/k', { fromRevision: kept.revision });
    const [first] = await (async () => {
      for await (const ev of fromKept) return [ev];
      return [];
    })();
    expect(first?.value.toString()).toBe('new');
  });
});

describe('a mirror that falls behind a compaction', () => {
  it('relists by itself, reports a resync, and equals a fresh listing', async () => {
    await using cluster = await startEtcd({ members: 3 });
    // The mirror talks to member 0 only; the writer to the others.
    await using mirrorClient = await Client.connect(
      Config.defaults().withEndpoints(cluster.endpoints[0]!).withTimeout(3000),
    );
    await using writer = await Client.connect(
      Config.defaults()
        .withEndpoints(...cluster.endpoints.slice(1))
        .withTimeout(3000),
    );
    await writer.bulkPut(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`/mc/k${i}`, 'seed'])));
    await using mirror = await mirrorClient.mirror('/mc/');
    const changes: MirrorChange[] = [];
    const reader = (async () => {
      for await (const c of mirror) {
        changes.push(c);
        if (c.type === 'resync') break;
      }
    })();

    await cluster.kill(0);
    for (let i = 0; i < 100; i++) await persist(() => writer.put(`/mc/k${i % 30}`, `v${i}`));
    await persist(() => writer.delete('/mc/k3'));
    const last = await persist(() => writer.put('/mc/last', 'x'));
    await persist(() => writer.compact(last.revision));
    await cluster.restart(0);

    await mirror.waitForRevision(last.revision, { signal: AbortSignal.timeout(30_000) });
    await Promise.race([
      reader,
      sleep(30_000).then(() => {
        throw new Error('no resync reported');
      }),
    ]);
    const resync = changes.at(-1);
    expect(resync).toMatchObject({ type: 'resync', compactRevision: last.revision });
    const fresh = await writer.listWithValues('/mc/');
    expect(new Map([...mirror.entries()].map(([k, kv]) => [k, kv.value]))).toEqual(fresh);

    // And it keeps following changes after the relist.
    const after = await persist(() => writer.put('/mc/after', 'y'));
    await mirror.waitForRevision(after.revision, { signal: AbortSignal.timeout(15_000) });
    expect(mirror.get('/mc/after')?.value.toString()).toBe('y');
  }, 90_000);
});

describe('a watch with authentication across a restart', () => {
  it('gets a new token after the member forgot the old one, and misses nothing', async () => {
    await using secured = await startEtcd({ auth: { rootPassword: 'watch-pw' } });
    const config = Config.defaults()
      .withEndpoints(...secured.endpoints)
      .withAuth('root', 'watch-pw')
      .withTimeout(3000);
    await using authed = await Client.connect(config);
    const watch = await authed.watch('/a/k');
    const before = await authed.put('/a/k', 'before');
    await secured.restart();
    const after = await persist(() => authed.put('/a/k', 'after'));
    const events: WatchEvent[] = [];
    await until(watch, events, () => after.revision, 20_000);
    expect(events.map((e) => [e.modRevision, e.value.toString()])).toEqual([
      [before.revision, 'before'],
      [after.revision, 'after'],
    ]);
  }, 60_000);
});
