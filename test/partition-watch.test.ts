/**
 * Spanning watches against real clusters. They need `Client.watchPartitioned`,
 * which is wired once the watch API is present; until then they are skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { Client, Config } from '../src/index.js';

const EVENTS = '/registry/events/';

interface Ev {
  readonly key: string;
  readonly modRevision: number;
  readonly partition: string;
}
interface SpanningWatch extends AsyncIterable<Ev> {
  readonly token: string;
  close(): Promise<void>;
}
type Watchable = { watchPartitioned(prefix: string, options?: { from?: string }): Promise<SpanningWatch> };
const wired = 'watchPartitioned' in Client.prototype;
const watchOf = (client: Client) => client as unknown as Watchable;

let main: EtcdHandle;
let events: EtcdHandle;
let config: Config;

beforeAll(async () => {
  if (!wired) return;
  [main, events] = await Promise.all([startEtcd({ isolated: true }), startEtcd({ isolated: true })]);
  const of = (h: EtcdHandle) => Config.defaults().withEndpoints(...h.endpoints).withTimeout(2000);
  config = of(main).withPartition(EVENTS, of(events));
});
afterAll(async () => {
  await Promise.all([main?.stop(), events?.stop()]);
});

/** Takes `n` events, failing after 10 s; leaves the watch open. */
async function take(watch: SpanningWatch, n: number): Promise<Ev[]> {
  const out: Ev[] = [];
  const it = watch[Symbol.asyncIterator]();
  const timeout = setTimeout(() => void watch.close(), 10_000);
  try {
    while (out.length < n) {
      const r = await it.next();
      if (r.done) throw new Error(`watch ended after ${out.length} of ${n} events`);
      out.push(r.value);
    }
  } finally {
    clearTimeout(timeout);
  }
  return out;
}

describe.runIf(wired)('a watch spanning partitions', () => {
  it('receives every write of every partition; resumed from its token in a new client it misses and repeats nothing', async () => {
    const written: string[] = [];
    const seen: string[] = [];
    let token: string;
    {
      await using client = await Client.connect(config);
      const watch = await watchOf(client).watchPartitioned('/registry/');
      await client.bulkPut({ '/registry/pods/a': '1', '/registry/pods/b': '2', '/registry/pods/c': '3' }, { atomic: true });
      written.push('/registry/pods/a', '/registry/pods/b', '/registry/pods/c');
      // Stop between two events of one transaction: the token must say so.
      for (const ev of await take(watch, 2)) seen.push(ev.key);
      expect(seen).toEqual(['/registry/pods/a', '/registry/pods/b']);
      token = watch.token;
      await watch.close();
      await client.put(`${EVENTS}e1`, 'x');
      await client.put('/registry/pods/d', '4');
      await client.put(`${EVENTS}e2`, 'y');
      await client.delete('/registry/pods/a');
      written.push(`${EVENTS}e1`, '/registry/pods/d', `${EVENTS}e2`, '/registry/pods/a');
    }
    await using client = await Client.connect(config);
    const resumed = await watchOf(client).watchPartitioned('/registry/', { from: token });
    for (const ev of await take(resumed, written.length - seen.length)) {
      expect(ev.partition).toBe(client.partitionOf(ev.key));
      seen.push(ev.key);
    }
    // Nothing more was pending: the next event is the next write.
    await client.put('/registry/pods/sentinel', 'z');
    expect((await take(resumed, 1))[0]?.key).toBe('/registry/pods/sentinel');
    await resumed.close();
    expect([...seen].sort()).toEqual([...written].sort());
    // Per partition, in the order written.
    expect(seen.filter((k) => k.startsWith(EVENTS))).toEqual([`${EVENTS}e1`, `${EVENTS}e2`]);
  });
});
