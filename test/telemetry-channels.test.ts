import diagnostics from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, type CallContext, type RetryInfo } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { testConfig, uniquePrefix } from './helpers.js';

// diagnostics_channel subscribers of a real client against real etcd.

type Seen = { phase: string; context: CallContext };
const calls = diagnostics.tracingChannel<unknown, CallContext>('etcdkit:call');
let seen: Seen[] = [];
const record = (phase: string) => (context: CallContext) => {
  seen.push({ phase, context: { ...context } });
};
const handlers = {
  start: record('start'),
  end: record('end'),
  asyncStart: record('asyncStart'),
  asyncEnd: record('asyncEnd'),
  error: record('error'),
};

const prefix = uniquePrefix('channels');
let client: Client;

beforeAll(async () => {
  client = await Client.connect(testConfig());
});
afterAll(() => client?.close());
afterEach(() => {
  calls.unsubscribe(handlers);
  seen = [];
});

describe('etcdkit:call', () => {
  it('publishes start, end, asyncStart and asyncEnd for a successful call, without its key by default', async () => {
    calls.subscribe(handlers);
    await client.put(`${prefix}a`, 'v');
    expect(seen.map((s) => s.phase)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    const done = seen.at(-1)!.context;
    expect(done).toMatchObject({ operation: 'put', kind: 'write', attempt: 1, endpoint: testConfig().endpoints[0] });
    expect('key' in done).toBe(false);
    expect('partition' in done).toBe(false);
  });

  it('publishes error for a failed call', async () => {
    calls.subscribe(handlers);
    await expect(client.compact(1e12)).rejects.toThrow();
    // The refusal is explained with the current revision, read by a call of its own: follow the compact.
    const compact = seen.filter((s) => s.context.operation === 'compact');
    expect(compact.map((s) => s.phase)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    const failed = seen.find((s) => s.phase === 'error')!.context;
    expect(failed).toMatchObject({ operation: 'compact', kind: 'read', attempt: 1 });
    expect(failed.error).toBeInstanceOf(Error);
  });

  it('includes the key when the config asks for it', async () => {
    const keyed = await Client.connect(testConfig().withTelemetry({ recordKeys: true }));
    try {
      calls.subscribe(handlers);
      await keyed.get(`${prefix}a`);
      expect(seen[0]!.context).toMatchObject({ operation: 'get', kind: 'read', key: `${prefix}a` });
    } finally {
      await keyed.close();
    }
  });

  it('publishes nothing once unsubscribed', async () => {
    calls.subscribe(handlers);
    calls.unsubscribe(handlers);
    await client.get(`${prefix}a`);
    expect(seen).toEqual([]);
  });
});

describe('a retried call', () => {
  let etcd: EtcdHandle;
  beforeAll(async () => {
    etcd = await startEtcd({ isolated: true });
  }, 60_000);
  afterAll(() => etcd?.stop());

  it('is one traced call whose attempts are counted, with each retry on etcdkit:retry', async () => {
    const config = testConfig()
      .withEndpoints(...etcd.endpoints)
      .withRetry({ maxAttempts: 100, initialDelayMs: 20, maxDelayMs: 200 });
    const c = await Client.connect(config);
    const retries: RetryInfo[] = [];
    const onRetry = (info: unknown) => retries.push(info as RetryInfo);
    diagnostics.subscribe('etcdkit:retry', onRetry);
    try {
      await c.put(`${prefix}r`, 'v');
      await etcd.kill();
      calls.subscribe(handlers);
      const read = c.get(`${prefix}r`);
      await etcd.restart();
      expect((await read).toString()).toBe('v');
      expect(seen.map((s) => s.phase)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
      const done = seen.at(-1)!.context;
      expect(done.operation).toBe('get');
      expect(done.attempt).toBeGreaterThan(1);
      expect(retries.map((r) => r.attempt)).toEqual(Array.from({ length: done.attempt - 1 }, (_, i) => i + 2));
      expect(retries[0]).toMatchObject({ operation: 'get', kind: 'read', endpoint: etcd.endpoints[0] });
      expect(retries[0]!.error.code).toBe('UNAVAILABLE');
    } finally {
      diagnostics.unsubscribe('etcdkit:retry', onRetry);
      await c.close();
    }
  }, 60_000);
});
