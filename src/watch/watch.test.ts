import { afterEach, describe, expect, it, vi } from 'vitest';
import { CompactedError, UnavailableError } from '../errors/index.js';
import type { WatchEvent } from '../kv/events.js';
import { FakeClock } from '../resilience/fake-clock.js';
import { FakeLink, type LiveWatcher, offlineCore, put } from './fake-link.js';
import type { WatchOptions } from './options.js';
import { Watch } from './watch.js';

// The engine alone: a fake stream stands in for etcd, a fake clock for time.
// Real etcd proves the integration (test/watch*.test.ts); these prove the logic.

/** Lets the engine's promise continuations run (the fake clock drives no real timer). */
const flush = () => new Promise<void>((r) => setImmediate(r));

const broken = () => new UnavailableError('stream broke');

interface Harness {
  readonly watch: Watch;
  readonly link: FakeLink;
  readonly clock: FakeClock;
  readonly live: LiveWatcher;
  next(): Promise<WatchEvent>;
}

/** Opens a watch on `/k` whose watcher the fake server creates at header revision `createdAt`. */
async function open(options: WatchOptions = {}, createdAt = 100): Promise<Harness> {
  const link = new FakeLink();
  const clock = new FakeClock();
  const opening = Watch.open(offlineCore(), { key: Buffer.from('/k') }, options, { link, clock });
  await flush();
  const live = link.create(createdAt);
  const watch = await opening;
  const it = watch[Symbol.asyncIterator]();
  const next = async () => {
    const r = await it.next();
    if (r.done) throw new Error('the watch ended');
    return r.value;
  };
  return { watch, link, clock, live, next };
}

/** Waits out the pending backoff, and lets the engine ask for its next watcher. */
async function backOff(clock: FakeClock): Promise<void> {
  const wait = clock.nextIn;
  if (wait === undefined) throw new Error('no backoff is pending');
  clock.tick(wait);
  await flush();
}

afterEach(() => vi.restoreAllMocks());

describe('Watch engine: where it resumes', () => {
  it('resumes after the last delivered event, not the header revision, when a catch-up breaks', async () => {
    const { watch, link, clock, live, next } = await open({ fromRevision: 5 }, 100);
    expect(link.lastFrom).toBe(5);
    // A catch-up batch: its header holds the current revision (100), far past its events.
    live.send({ rev: 100, events: [put('/k', 5), put('/k', 6)] });
    expect((await next()).modRevision).toBe(5);
    live.break(broken());
    await backOff(clock);
    expect(link.asked).toHaveLength(2);
    expect(link.lastFrom).toBe(7);
    const again = link.create(100);
    again.send({ rev: 100, events: [put('/k', 7)] });
    expect((await next()).modRevision).toBe(6);
    expect((await next()).modRevision).toBe(7);
    expect(watch.revision).toBe(7);
    expect(live.stream.canceled).toBe(true);
    await watch.close();
  });

  it('delivers no revision twice when the server sends it again', async () => {
    const { watch, link, clock, live, next } = await open({ fromRevision: 5 });
    live.send({ rev: 100, events: [put('/k', 5)] });
    live.break(broken());
    await backOff(clock);
    const again = link.create(100);
    again.send({ rev: 100, events: [put('/k', 5), put('/k', 6)] });
    expect((await next()).modRevision).toBe(5);
    expect((await next()).modRevision).toBe(6);
    expect(watch.pending).toBe(0);
    await watch.close();
  });

  it('ends with CompactedError carrying the compact revision, after the events received before it', async () => {
    const { watch, link, clock, live, next } = await open({ fromRevision: 3 }, 100);
    live.send({ rev: 100, events: [put('/k', 3)] });
    live.send({
      rev: 0,
      canceled: true,
      compact_revision: '50',
      cancel_reason: 'mvcc: required revision has been compacted',
    });
    expect((await next()).modRevision).toBe(3);
    const err = await next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactedError);
    expect((err as CompactedError).compactRevision).toBe(50);
    // etcd leaves the header of the cancel empty: the current revision is the created one's.
    expect((err as CompactedError).currentRevision).toBe(100);
    await expect(watch.done).rejects.toBe(err);
    // Not retried: no backoff is pending, and no other watcher is asked for.
    expect(clock.pending).toBe(0);
    expect(link.asked).toHaveLength(1);
  });

  it('creates the watcher again after "no leader", from the revision after its last event', async () => {
    const { watch, link, clock, live, next } = await open({ fromRevision: 8 });
    live.send({ rev: 20, events: [put('/k', 8)] });
    live.send({ rev: 20, canceled: true, cancel_reason: 'etcdserver: no leader' });
    expect(live.stream.canceled).toBe(true);
    await backOff(clock);
    expect(link.asked).toHaveLength(2);
    expect(link.lastFrom).toBe(9);
    link.create(21).send({ rev: 21, events: [put('/k', 9)] });
    expect((await next()).modRevision).toBe(8);
    expect((await next()).modRevision).toBe(9);
    await watch.close();
  });

  it('moves its resume point with a progress notification for itself only', async () => {
    const { watch, link, clock, live } = await open({ fromRevision: 5 }, 40);
    live.send({ rev: 60, watch_id: '-1' }); // a stream-wide answer may overtake queued events
    expect(watch.revision).toBe(4);
    live.send({ rev: 60 }); // addressed to this watcher (the fake gives each one its id)
    expect(watch.revision).toBe(60);
    live.break(broken());
    await backOff(clock);
    expect(link.lastFrom).toBe(61);
    await watch.close();
  });
});

describe('Watch engine: fragments', () => {
  it('delivers a fragmented revision whole, once its last fragment arrives', async () => {
    const { watch, live, next } = await open({ fromRevision: 10 });
    live.send({ rev: 30, fragment: true, events: [put('/k/a', 10), put('/k/b', 10)] });
    expect(watch.pending).toBe(0);
    live.send({ rev: 30, events: [put('/k/c', 10)] });
    expect(watch.pending).toBe(3);
    expect([(await next()).key, (await next()).key, (await next()).key]).toEqual(['/k/a', '/k/b', '/k/c']);
    await watch.close();
  });

  it('drops a revision cut short by a break and takes it again whole', async () => {
    const { watch, link, clock, live, next } = await open({ fromRevision: 10 });
    live.send({ rev: 30, fragment: true, events: [put('/k/a', 10), put('/k/b', 10)] });
    live.break(broken());
    expect(watch.pending).toBe(0);
    await backOff(clock);
    expect(link.lastFrom).toBe(10);
    const again = link.create(30);
    again.send({ rev: 30, fragment: true, events: [put('/k/a', 10), put('/k/b', 10)] });
    again.send({ rev: 30, events: [put('/k/c', 10)] });
    const keys = [(await next()).key, (await next()).key, (await next()).key];
    expect(keys).toEqual(['/k/a', '/k/b', '/k/c']);
    expect(watch.pending).toBe(0);
    await watch.close();
  });
});

describe('Watch engine: a slow consumer', () => {
  const events = (from: number, n: number) => Array.from({ length: n }, (_, i) => put('/k', from + i));

  it('on a shared stream, detaches at bufferSize and comes back from its last event once drained below half', async () => {
    const { watch, link, clock, live, next } = await open({ fromRevision: 1, bufferSize: 4 });
    live.send({ rev: 50, events: events(1, 4) });
    expect(live.stream.canceled).toBe(false); // one turn of the event loop to drain first
    clock.tick(0);
    expect(live.stream.canceled).toBe(true);
    expect(watch.pending).toBe(4);
    await next();
    await flush();
    expect(link.asked).toHaveLength(1); // 3 left: more than half
    await next();
    await flush();
    expect(link.asked).toHaveLength(2);
    expect(link.lastFrom).toBe(5);
    await watch.close();
  });

  it('on a shared stream, leaves unread a response that comes while the buffer is full', async () => {
    const { watch, link, live, next } = await open({ fromRevision: 1, bufferSize: 2 });
    live.send({ rev: 50, events: events(1, 2) });
    live.send({ rev: 50, events: events(3, 2) });
    expect(live.stream.canceled).toBe(true);
    expect(watch.pending).toBe(2);
    expect(watch.revision).toBe(2);
    await next();
    await flush();
    expect(link.lastFrom).toBe(3);
    await watch.close();
  });

  it('on a stream of its own, pauses the stream instead and resumes it when drained below half', async () => {
    const { watch, link, live, next } = await open({ fromRevision: 1, bufferSize: 4, ownStream: true });
    live.send({ rev: 50, events: events(1, 4) });
    expect(live.stream.paused).toBe(true);
    expect(live.stream.canceled).toBe(false);
    await next();
    expect(live.stream.paused).toBe(true);
    await next();
    await next();
    expect(live.stream.paused).toBe(false);
    expect(link.asked).toHaveLength(1);
    await watch.close();
  });
});

describe('Watch engine: backoff between attempts', () => {
  /** The waits between failed attempts to create the watcher again. */
  async function waits(attempts: number, random: number): Promise<number[]> {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    const { watch, link, clock, live } = await open({ fromRevision: 1 });
    live.break(broken());
    const out: number[] = [];
    for (let i = 0; i < attempts; i++) {
      out.push(clock.nextIn ?? Number.NaN);
      await backOff(clock);
      link.refuse(broken());
      await flush();
    }
    await watch.close();
    vi.restoreAllMocks();
    return out;
  }

  it('grows between failed attempts, up to 3 s', async () => {
    const w = await waits(9, 0.5);
    expect(w[0]).toBeGreaterThanOrEqual(50);
    expect(w[0]).toBeLessThanOrEqual(150);
    for (let i = 1; i < 5; i++) expect(w[i]).toBeGreaterThan(w[i - 1]!);
    expect(Math.max(...w)).toBe(3000);
  });

  it('has jitter: two watches failing alike wait differently', async () => {
    const a = await waits(4, 0.2);
    const b = await waits(4, 0.8);
    expect(a).not.toEqual(b);
  });

  it('starts over once a watcher is created again', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { watch, link, clock, live } = await open({ fromRevision: 1 });
    live.break(broken());
    const first = clock.nextIn;
    await backOff(clock);
    link.refuse(broken());
    await flush();
    expect(clock.nextIn).toBeGreaterThan(first!);
    await backOff(clock);
    const live2 = link.create(10);
    await flush();
    live2.break(broken());
    expect(clock.nextIn).toBe(first);
    await watch.close();
  });

  it('backs off again when a stream breaks right after its watcher is created', async () => {
    const { watch, link, clock, live } = await open({ fromRevision: 1 });
    live.break(broken());
    await backOff(clock);
    // The break is reported before the attach's promise resumes the engine.
    link.create(10).break(broken());
    await flush();
    expect(clock.pending).toBe(1);
    await backOff(clock);
    expect(link.asked).toHaveLength(3);
    expect(link.lastFrom).toBe(1);
    await watch.close();
  });

  it('stops on close: the pending wait is cancelled and nothing is attempted later', async () => {
    const { watch, link, clock, live } = await open({ fromRevision: 1 });
    live.break(broken());
    expect(clock.pending).toBe(1);
    await watch.close();
    await flush();
    expect(clock.pending).toBe(0);
    clock.tick(60_000);
    await flush();
    expect(link.asked).toHaveLength(1);
    await expect(watch.done).resolves.toBeUndefined();
  });

  it('on the real clock, leaves no timer to keep the process alive once closed', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const link = new FakeLink();
    const opening = Watch.open(offlineCore(), { key: Buffer.from('/k') }, { fromRevision: 1 }, { link });
    await flush();
    const live = link.create(10);
    const watch = await opening;
    const before = timers();
    live.break(broken());
    expect(timers()).toBe(before + 1); // the backoff
    // Measured with no await in between, so no other timer comes or goes meanwhile.
    const closing = watch.close();
    expect(timers()).toBe(before);
    await closing;
  });

  it('stops on abort while creating the watcher for the first time', async () => {
    const link = new FakeLink();
    const clock = new FakeClock();
    const ac = new AbortController();
    const opening = Watch.open(offlineCore(), { key: Buffer.from('/k') }, { signal: ac.signal }, { link, clock });
    await flush();
    link.refuse(broken());
    await flush();
    expect(clock.pending).toBe(1); // backing off before the second attempt
    ac.abort();
    await expect(opening).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(clock.pending).toBe(0);
    expect(link.asked).toHaveLength(1);
  });
});
