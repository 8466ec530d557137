import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmbiguousWriteError, Client, Config, ConnectionError, TimeoutError, UnavailableError } from '../src/index.js';
import { type FaultProxy, startFaultProxy } from '../src/testing/index.js';
import { endpoints, rawEtcd, uniquePrefix } from './helpers.js';
import { eventually } from './waits.js';

// etcdkit/testing's fault proxy between a client and the shared etcd: each
// fault is switched on while the client keeps its connection.

let proxy: FaultProxy;
let client: Client;
const prefix = uniquePrefix('fault-proxy');

beforeAll(async () => {
  proxy = await startFaultProxy(endpoints()[0] as string);
  client = await Client.connect(
    Config.defaults().withEndpoints(proxy.endpoint).withTimeout(3000).withRetry({ maxAttempts: 1 }),
  );
  await client.put(`${prefix}warm`, 'w');
});

afterAll(async () => {
  await client?.close();
  await proxy?.close();
});

describe('startFaultProxy', () => {
  it('passes traffic through and counts requests', async () => {
    const before = proxy.requests;
    await client.put(`${prefix}pass`, 'v');
    expect(await client.getString(`${prefix}pass`)).toBe('v');
    expect(proxy.requests).toBeGreaterThanOrEqual(before + 2);
  });

  it('drops the answer of a write etcd applied', async () => {
    proxy.dropNextReplies(1);
    const err = await client.put(`${prefix}dropped`, 'applied').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousWriteError);
    expect(proxy.droppedReplies).toBeGreaterThanOrEqual(1);
    const raw = rawEtcd();
    try {
      // The client learns of the cut at once; etcd may apply the request a moment later.
      await eventually(10_000, async () => expect(await raw.get(`${prefix}dropped`).string()).toBe('applied'));
    } finally {
      raw.close();
    }
  });

  it('delays every chunk by the given time, and no longer once switched back', async () => {
    await client.get(`${prefix}warm`);
    proxy.set({ type: 'delay', ms: 400 });
    let started = performance.now();
    await client.get(`${prefix}warm`);
    // Request and answer each wait 400 ms: a lower bound set by the proxy, not a performance target.
    expect(performance.now() - started).toBeGreaterThanOrEqual(750);
    proxy.set({ type: 'pass' });
    started = performance.now();
    await client.get(`${prefix}warm`);
    expect(performance.now() - started).toBeLessThan(750);
  });

  it('holds everything while blackholed and delivers it after', async () => {
    await client.get(`${prefix}warm`);
    proxy.set({ type: 'blackhole' });
    const err = await client.get(`${prefix}warm`, { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    proxy.set({ type: 'pass' });
    await client.put(`${prefix}held`, 'after');
    expect(await client.getString(`${prefix}held`)).toBe('after');
  });

  it('resets open and new connections until switched back', async () => {
    await client.get(`${prefix}warm`);
    const before = proxy.resets;
    proxy.set({ type: 'reset' });
    expect(proxy.resets).toBeGreaterThan(before);
    const err = await client.get(`${prefix}warm`, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect([UnavailableError, ConnectionError, TimeoutError].some((c) => err instanceof c)).toBe(true);
    proxy.set({ type: 'pass' });
    let value: string | undefined;
    // The client reconnects with backoff: wait for it, as an application would.
    for (let i = 0; i < 40 && value === undefined; i++) {
      value = await client.put(`${prefix}reset`, 'back').then(
        () => client.getString(`${prefix}reset`),
        () => new Promise<undefined>((r) => setTimeout(() => r(undefined), 250)),
      );
    }
    expect(value).toBe('back');
  });

  it('refuses a malformed fault', () => {
    expect(() => proxy.set({ type: 'delay', ms: -1 })).toThrow(/ms/);
    expect(() => proxy.set({ type: 'drop-replies', probability: 2 })).toThrow(/probability/);
    expect(proxy.fault).toEqual({ type: 'pass' });
  });
});
