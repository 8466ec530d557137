import { describe, expect, it } from 'vitest';
import { UnavailableError, ValidationError } from '../errors/index.js';
import { PartitionTable } from '../partition/table.js';
import { PartitionedWatch, type EventSource, type EventStream, type WatchLeg } from './merged.js';

interface Ev {
  readonly key: string;
  readonly modRevision: number;
  readonly value: string;
}

/** An in-memory cluster: a revision counter and a history, watchable from any revision. */
class FakeCluster implements EventSource<Ev> {
  rev = 1;
  readonly log: Ev[] = [];
  readonly #wakers = new Set<() => void>();
  failWith: Error | undefined;

  /** Writes keys in one "transaction": they share one revision. */
  write(...keys: string[]): void {
    this.rev++;
    for (const key of keys) this.log.push({ key, modRevision: this.rev, value: `${key}@${this.rev}` });
    for (const wake of this.#wakers) wake();
  }

  async revision(): Promise<number> {
    return this.rev;
  }

  watchPrefix(prefix: string, { fromRevision }: { fromRevision: number }): EventStream<Ev> {
    let closed = false;
    let at = 0;
    const wakers = this.#wakers;
    let wake = () => {};
    const next = async (): Promise<IteratorResult<Ev>> => {
      for (;;) {
        if (closed) return { done: true, value: undefined };
        if (this.failWith) throw this.failWith;
        while (at < this.log.length) {
          const ev = this.log[at++]!;
          if (ev.modRevision >= fromRevision && ev.key.startsWith(prefix)) return { done: false, value: ev };
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          wakers.add(resolve);
        });
        wakers.delete(wake);
      }
    };
    return {
      [Symbol.asyncIterator]: () => ({ next }),
      close: () => {
        closed = true;
        wake();
      },
    };
  }

  fail(err: Error): void {
    this.failWith = err;
    for (const wake of this.#wakers) wake();
  }
}

const table = new PartitionTable(['/r/events/']);
const owner = (key: string) => table.partitionOf(key);

function setup() {
  const main = new FakeCluster();
  const events = new FakeCluster();
  const legs: WatchLeg<Ev>[] = [
    { partition: '', prefix: '/r/', source: main },
    { partition: '/r/events/', prefix: '/r/events/', source: events },
  ];
  return { main, events, legs };
}

async function take(watch: PartitionedWatch<Ev>, n: number): Promise<Array<Ev & { partition: string }>> {
  const out: Array<Ev & { partition: string }> = [];
  if (n === 0) return out;
  for await (const ev of watch) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

describe('PartitionedWatch', () => {
  it('merges every partition, each in revision order, dropping keys another partition owns', async () => {
    const { main, events, legs } = setup();
    const watch = await PartitionedWatch.open('/r/', legs, owner);
    main.write('/r/pods/a');
    events.write('/r/events/1');
    main.write('/r/events/stray'); // physically in the main cluster, but owned by the events partition
    main.write('/r/pods/b');
    events.write('/r/events/2', '/r/events/3');
    const got = await take(watch, 5);
    const byPartition = (p: string) => got.filter((e) => e.partition === p).map((e) => `${e.key}@${e.modRevision}`);
    expect(byPartition('')).toEqual(['/r/pods/a@2', '/r/pods/b@4']);
    expect(byPartition('/r/events/')).toEqual(['/r/events/1@2', '/r/events/2@3', '/r/events/3@3']);
    expect(got.find((e) => e.key === '/r/events/stray')).toBeUndefined();
    await watch.close();
  });

  it('resumes from its token with nothing lost or repeated, even mid-transaction', async () => {
    const { main, events, legs } = setup();
    const seen: string[] = [];
    const first = await PartitionedWatch.open('/r/', legs, owner);
    main.write('/r/a', '/r/b', '/r/c'); // one revision, three events
    for (const ev of await take(first, 2)) seen.push(`${ev.partition}|${ev.key}`);
    expect(seen).toEqual(['|/r/a', '|/r/b']); // stopped between two events of one transaction
    const token = first.token;
    await first.close();
    events.write('/r/events/1');
    main.write('/r/d');
    events.write('/r/events/2', '/r/events/3');

    // "a new process": fresh legs over the same clusters, from the stored token
    const second = await PartitionedWatch.open('/r/', setupLegs(main, events), owner, token);
    for (const ev of await take(second, 7 - seen.length)) seen.push(`${ev.partition}|${ev.key}`);
    await second.close();
    const want = [
      '|/r/a',
      '|/r/b',
      '|/r/c',
      '|/r/d',
      '/r/events/|/r/events/1',
      '/r/events/|/r/events/2',
      '/r/events/|/r/events/3',
    ];
    expect([...seen].sort()).toEqual([...want].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a token taken before any event still resumes from where the watch started', async () => {
    const { main, events, legs } = setup();
    const watch = await PartitionedWatch.open('/r/', legs, owner);
    const token = watch.token;
    await watch.close();
    main.write('/r/x');
    events.write('/r/events/y');
    const resumed = await PartitionedWatch.open('/r/', setupLegs(main, events), owner, token);
    expect((await take(resumed, 2)).map((e) => e.key).sort()).toEqual(['/r/events/y', '/r/x']);
    await resumed.close();
  });

  it('refuses a token of another prefix, a damaged one, or one missing a partition', async () => {
    const { main, events, legs } = setup();
    const watch = await PartitionedWatch.open('/r/', legs, owner);
    const token = watch.token;
    await watch.close();
    await expect(PartitionedWatch.open('/s/', legs, owner, token)).rejects.toThrow(ValidationError);
    await expect(PartitionedWatch.open('/r/', legs, owner, 'garbage!')).rejects.toThrow(ValidationError);
    const onlyMain = await PartitionedWatch.open('/r/', [legs[0]!], owner);
    const small = onlyMain.token;
    await onlyMain.close();
    await expect(PartitionedWatch.open('/r/', setupLegs(main, events), owner, small)).rejects.toThrow(/events/);
  });

  it('a failing partition ends the watch with an error naming it; the token still covers what was delivered', async () => {
    const { main, events, legs } = setup();
    const watch = await PartitionedWatch.open('/r/', legs, owner);
    main.write('/r/a');
    const it = watch[Symbol.asyncIterator]();
    expect((await it.next()).value?.key).toBe('/r/a');
    const token = watch.token;
    events.fail(new UnavailableError('connection refused'));
    const err = await it.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err).toMatchObject({ partition: '/r/events/', message: expect.stringContaining("partition '/r/events/'") });
    expect(watch.token).toBe(token);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('close ends a pending iteration and is idempotent', async () => {
    const { legs } = setup();
    const watch = await PartitionedWatch.open('/r/', legs, owner);
    const pending = watch[Symbol.asyncIterator]().next();
    await watch.close();
    await watch.close();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});

function setupLegs(main: FakeCluster, events: FakeCluster): WatchLeg<Ev>[] {
  return [
    { partition: '', prefix: '/r/', source: main },
    { partition: '/r/events/', prefix: '/r/events/', source: events },
  ];
}
