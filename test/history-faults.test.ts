import diagnostics from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Config } from '../src/index.js';
import { startFaultProxy, type FaultProxy } from '../src/testing/index.js';
import { endpoints, uniquePrefix } from './helpers.js';

// history() runs on the watch engine: a stream that breaks in the middle of
// the history is resumed from the revision after the last change received.

const prefix = uniquePrefix('history-faults');
const watchChannel = diagnostics.channel('etcdkit:watch');
let proxy: FaultProxy;
let direct: Client;
let client: Client;

beforeAll(async () => {
  proxy = await startFaultProxy(endpoints()[0]!);
  direct = await Client.connect(Config.defaults().withEndpoints(...endpoints()));
  client = await Client.connect(Config.defaults().withEndpoints(proxy.endpoint).withTimeout(5000));
});
afterAll(async () => {
  await client?.close();
  await direct?.close();
  await proxy?.close();
});

describe('history across a broken stream', () => {
  it('resumes after the last change received: every version once, in order', async () => {
    const key = `${prefix}k`;
    // etcd sends a catching-up watcher at most 1,000 revisions per response, one response per 100 ms pass.
    const revisions: number[] = [];
    for (let i = 0; i < 2500; i += 100) {
      const puts = await Promise.all(Array.from({ length: 100 }, (_, j) => direct.put(key, `v${i + j}`)));
      revisions.push(...puts.map((p) => p.revision));
    }
    revisions.sort((a, b) => a - b);
    // Every chunk held 300 ms: the later responses are still in the proxy when the first one arrives.
    proxy.set({ type: 'delay', ms: 300 });
    let cutAt = 0;
    let reconnects = 0;
    const onWatch = (message: unknown) => {
      const m = message as { type: string; revision?: number };
      if (m.type === 'reconnect') reconnects++;
      if (m.type !== 'delivered' || cutAt > 0) return;
      cutAt = m.revision ?? 0;
      proxy.set({ type: 'reset' });
      proxy.set({ type: 'pass' });
    };
    watchChannel.subscribe(onWatch);
    try {
      const versions = await client.history(key, { fromRevision: revisions[0]!, timeoutMs: 30_000 });
      expect(cutAt).toBeGreaterThan(0);
      expect(cutAt).toBeLessThan(revisions.at(-1)!);
      expect(proxy.resets).toBeGreaterThan(0);
      expect(reconnects).toBeGreaterThan(0);
      expect(versions.map((v) => v.modRevision)).toEqual(revisions);
    } finally {
      watchChannel.unsubscribe(onWatch);
      proxy.set({ type: 'pass' });
    }
  }, 60_000);
});
