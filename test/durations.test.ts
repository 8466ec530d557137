import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import { CancelledError, Client, ConfigError, ValidationError } from '../src/index.js';
import { connect, rawEtcd, sleep, testConfig, uniquePrefix } from './helpers.js';

// Every duration is checked before anything is sent, and long ones are
// honoured: grpc-js throws (asynchronously, killing the process) for a
// deadline it cannot encode, and Node fires a timer over 2^31 - 1 ms at once.

let client: Client;
let raw: Etcd3;
beforeAll(async () => {
  client = await connect();
  raw = rawEtcd();
});
afterAll(async () => {
  await client.close();
  raw.close();
});

describe('per-call timeoutMs', () => {
  it('refuses NaN, 0, negatives, Infinity and non-numbers with ValidationError before sending', async () => {
    const p = uniquePrefix('dur');
    for (const timeoutMs of [Number.NaN, 0, -5, -1, Number.POSITIVE_INFINITY, 'abc', null]) {
      const options = { timeoutMs } as unknown as { timeoutMs: number };
      await expect(client.get(`${p}k`, options)).rejects.toThrow(ValidationError);
      await expect(client.list(p, options)).rejects.toThrow(ValidationError);
      await expect(client.put(`${p}k`, 'v', options)).rejects.toThrow(ValidationError);
      await expect(client.history(`${p}k`, options)).rejects.toThrow(ValidationError);
    }
    // A put refused for its timeout stored nothing (it was not sent).
    expect(await raw.getAll().prefix(p).count()).toBe(0);
  });

  it('honours timeouts beyond what grpc-js can send, and beyond one Node timer', async () => {
    const p = uniquePrefix('dur-long');
    await client.put(`${p}k`, 'v', { timeoutMs: 1e16 });
    expect((await client.get(`${p}k`, { timeoutMs: 1e16 })).toString()).toBe('v');
    expect(await client.list(p, { timeoutMs: 2 ** 31 })).toEqual([`${p}k`]);
    const versions = await client.history(`${p}k`, { timeoutMs: 2 ** 31 });
    expect(versions.map((v) => v.value.toString())).toEqual(['v']);
  });

  it('a lock wait of 2^31 ms keeps waiting (it does not time out at once) until aborted', async () => {
    const name = uniquePrefix('dur-lock');
    const holder = client.newLock(name);
    const waiter = client.newLock(name);
    try {
      await holder.lock();
      const stop = new AbortController();
      let settled: unknown = 'pending';
      const waiting = waiter.lock({ timeoutMs: 2 ** 31, signal: stop.signal }).then(
        () => 'acquired',
        (e: unknown) => e,
      );
      void waiting.then((r) => (settled = r));
      await sleep(300);
      expect(settled).toBe('pending');
      stop.abort();
      expect(await waiting).toBeInstanceOf(CancelledError);
    } finally {
      await holder.close();
      await waiter.close();
    }
  });
});

describe('configured durations', () => {
  it('Config.withTimeout(1e15) is accepted and calls work (the deadline is clamped for grpc-js)', async () => {
    const long = await Client.connect(testConfig().withTimeout(1e15));
    try {
      const p = uniquePrefix('dur-config');
      await long.put(`${p}k`, 'v');
      expect((await long.get(`${p}k`)).toString()).toBe('v');
    } finally {
      await long.close();
    }
  });

  it('refuses bad durations with ConfigError naming the field', () => {
    const c = testConfig();
    for (const bad of [Number.NaN, 0, -1, 1.5, Number.POSITIVE_INFINITY, '100']) {
      expect(() => c.withTimeout(bad as number)).toThrow(ConfigError);
      expect(() => c.withDialTimeout(bad as number)).toThrow(ConfigError);
    }
    // Single timers: longer would fire at once.
    expect(() => c.withDialTimeout(2 ** 31)).toThrow(/dialTimeout/);
    expect(() => c.withRetry({ maxDelayMs: 2 ** 31 })).toThrow(/retry.maxDelayMs/);
    expect(() => c.withCircuitBreaker({ halfOpenAfterMs: 2 ** 31 })).toThrow(/halfOpenAfterMs/);
  });
});

describe('signal', () => {
  it('that is not an AbortSignal is refused with ValidationError before sending', async () => {
    const p = uniquePrefix('sig');
    const options = { signal: {} } as unknown as { signal: AbortSignal };
    await expect(client.get(`${p}k`, options)).rejects.toThrow(ValidationError);
    await expect(client.put(`${p}k`, 'v', options)).rejects.toThrow(ValidationError);
    await expect(client.watch(`${p}k`, options)).rejects.toThrow(ValidationError);
    await expect(client.newLock(`${p}lock`).lock(options)).rejects.toThrow(ValidationError);
    expect(await raw.getAll().prefix(p).count()).toBe(0);
  });
});
