import { GRPCUnavailableError } from 'etcd3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Config } from '../config/index.js';
import { AmbiguousWriteError, CancelledError, ClosedError, UnavailableError } from '../errors/index.js';
import type { CallSpec } from '../transport/index.js';
import { Caller } from './call.js';

// The call path without etcd: attempts are functions that answer or fail as a
// test says, and time is vitest's fake clock, so backoff is stepped, not waited.

const A = 'http://a:1';
const B = 'http://b:1';
const dropped = () => new GRPCUnavailableError('14 UNAVAILABLE: Connection dropped');
const neverSent = () => new GRPCUnavailableError('14 UNAVAILABLE: No connection established');

function caller(retry = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 1000 }): Caller {
  return new Caller(Config.defaults().withEndpoints(A, B).withRetry(retry));
}

/** An attempt that plays `script` in order (an Error fails the attempt) and records each spec it was given. */
function scripted<T>(script: Array<T | Error>, endpoints: string[] = []) {
  const specs: CallSpec[] = [];
  /** The endpoints each attempt was told to avoid, as it was sent. */
  const avoided: string[][] = [];
  const attempt = (spec: CallSpec): Promise<T> => {
    spec.endpoint = endpoints[specs.length];
    specs.push(spec);
    avoided.push([...(spec.avoid ?? [])]);
    const next = script[specs.length - 1];
    if (next === undefined) throw new Error('attempt not scripted');
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { attempt, specs, avoided };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Caller', () => {
  it('a first attempt that succeeds is one attempt, with the deadline and hasleader flag', async () => {
    const { attempt, specs } = scripted(['ok']);
    const now = Date.now();
    await expect(caller().run('read', { op: 'get' }, attempt, { timeoutMs: 500 })).resolves.toBe('ok');
    expect(specs).toHaveLength(1);
    expect(specs[0]!.deadline).toBe(now + 500);
    expect(specs[0]!.leader).toBe(true);
    expect(specs[0]!.avoid).toBeUndefined();
  });

  it('retries a read after a backoff, avoiding the endpoints that failed', async () => {
    const { attempt, specs, avoided } = scripted([dropped(), dropped(), 'ok'], [A, B, A]);
    const run = caller().run('read', { op: 'get' }, attempt);
    await vi.advanceTimersByTimeAsync(0);
    expect(specs).toHaveLength(1); // waiting for the backoff
    await vi.advanceTimersByTimeAsync(5000);
    await expect(run).resolves.toBe('ok');
    expect(specs).toHaveLength(3);
    expect(avoided).toEqual([[], [A], [A, B]]);
  });

  it('gives up after maxAttempts with the last typed error', async () => {
    const { attempt, specs } = scripted([dropped(), dropped(), dropped(), dropped()]);
    const run = caller().run('read', { op: 'get', key: 'k' }, attempt);
    const settled = expect(run).rejects.toBeInstanceOf(UnavailableError);
    await vi.advanceTimersByTimeAsync(10_000);
    await settled;
    expect(specs).toHaveLength(4);
  });

  it('never repeats a write that may have been sent: it is ambiguous', async () => {
    const { attempt, specs } = scripted([dropped(), 'twice']);
    const run = caller().run('write', { op: 'put', key: 'k' }, attempt);
    await expect(run).rejects.toBeInstanceOf(AmbiguousWriteError);
    expect(specs).toHaveLength(1);
  });

  it('repeats a write that provably never left the process', async () => {
    const { attempt, specs } = scripted([neverSent(), 'ok']);
    const run = caller().run('write', { op: 'put', key: 'k' }, attempt);
    await vi.advanceTimersByTimeAsync(5000);
    await expect(run).resolves.toBe('ok');
    expect(specs).toHaveLength(2);
  });

  it('lets resolveAmbiguous settle an ambiguous write', async () => {
    const { attempt } = scripted<string>([dropped()]);
    const run = caller().run('write', { op: 'put', key: 'k' }, attempt, {
      resolveAmbiguous: async (err) => (err instanceof AmbiguousWriteError ? 'applied' : undefined),
    });
    await expect(run).resolves.toBe('applied');
  });

  it('an abort during the backoff rejects at once with CancelledError and sends nothing more', async () => {
    const { attempt, specs } = scripted([dropped(), 'ok']);
    const abort = new AbortController();
    const run = caller({ maxAttempts: 4, initialDelayMs: 60_000, maxDelayMs: 60_000 }).run(
      'read',
      { op: 'get' },
      attempt,
      { signal: abort.signal },
    );
    await vi.advanceTimersByTimeAsync(10);
    abort.abort();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(specs).toHaveLength(1);
  });

  it('with retry off, a read fails on its first error', async () => {
    const { attempt, specs } = scripted([dropped(), 'ok']);
    await expect(caller().run('read', { op: 'get' }, attempt, { retry: false })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    expect(specs).toHaveLength(1);
  });

  it('a closed caller refuses without calling', async () => {
    const c = caller();
    c.close();
    const { attempt, specs } = scripted(['ok']);
    await expect(c.run('read', { op: 'get' }, attempt)).rejects.toBeInstanceOf(ClosedError);
    expect(specs).toHaveLength(0);
  });

  it('announces reconnecting on a retry and connected once an attempt answers', async () => {
    const c = caller();
    const states: string[] = [];
    c.events.subscribe((e) => states.push(e.type));
    const { attempt } = scripted([dropped(), 'ok']);
    const run = c.run('read', { op: 'get' }, attempt);
    await vi.advanceTimersByTimeAsync(5000);
    await run;
    expect(states).toEqual(['reconnecting', 'connected']);
  });
});
