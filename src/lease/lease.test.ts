import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Caller } from '../core/call.js';
import type { Core } from '../core/core.js';
import { LeaseNotFoundError } from '../errors/index.js';
import { Instruments } from '../telemetry/index.js';
import { Lease } from './lease.js';

// The expiry timer is pure client-side logic: no request is made without keepAlive().
// Telemetry is silent: no plugin, no logger, no subscriber.
const silent = new Instruments({ telemetry: undefined, logger: undefined, partition: undefined, endpoints: [] });
const offline = () => ({ resources: new Set(), caller: { telemetry: silent } }) as Core;

/**
 * A core whose keepAliveOnce is answered by `answer` (the TTL etcd would return; 0: the lease is gone),
 * after `delayMs` on the (fake) clock; the keep-alive stream itself is the integration tests' business.
 */
function answering(answer: number, delayMs = 0): Core {
  const run = <T>() => new Promise<T>((resolve) => setTimeout(() => resolve(answer as T), delayMs));
  // A caller that answers every call itself: the call layer's own prototype, its `run` replaced.
  const caller: Caller = Object.assign(Object.create(Caller.prototype) as Caller, { telemetry: silent, run });
  return { resources: new Set(), caller } as Core;
}

describe('Lease expiry (client side)', () => {
  it('reports a lease lost when its TTL passes without a renewal', async () => {
    const core = offline();
    const lease = new Lease(core, 'a1', 1, Date.now() - 950);
    expect(core.resources.has(lease)).toBe(true);
    expect(await lease.lost).toBeInstanceOf(LeaseNotFoundError);
    expect(lease.state).toBe('lost');
    expect(core.resources.has(lease)).toBe(false);
  });

  it('waits in steps for a TTL beyond what a Node timer can wait (no overflow)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const lease = new Lease(offline(), 'a2', 9_000_000_000, Date.now());
    await new Promise((r) => setTimeout(r, 20));
    process.off('warning', onWarning);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
    expect(lease.state).toBe('active');
    await lease.close();
    expect(lease.state).toBe('closed');
  });
});

describe('Lease expiry on a fake clock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is lost exactly its TTL after the grant, not a millisecond before', () => {
    const lease = new Lease(offline(), 'b1', 3, Date.now());
    vi.advanceTimersByTime(2_999);
    expect(lease.state).toBe('active');
    vi.advanceTimersByTime(1);
    expect(lease.state).toBe('lost');
  });

  it('a renewal moves the expiry to a TTL after the renewal was sent, not after its answer came', async () => {
    const lease = new Lease(answering(3, 400), 'b2', 3, Date.now());
    vi.advanceTimersByTime(2_000);
    const renewal = lease.keepAliveOnce();
    await vi.advanceTimersByTimeAsync(400); // the answer comes 400 ms after it was sent, at 2.4 s
    expect(await renewal).toBe(3);
    vi.advanceTimersByTime(2_599); // 4.999 s: within the TTL counted from 2 s, when it was sent
    expect(lease.state).toBe('active');
    vi.advanceTimersByTime(1); // 5 s: lost, although 3 s after the answer would be 5.4 s
    expect(lease.state).toBe('lost');
    expect(await lease.lost).toBeInstanceOf(LeaseNotFoundError);
  });

  it('renewed every second, a 2 s lease stays active for a minute; stopped, it is lost 2 s after the last renewal', async () => {
    const lease = new Lease(answering(2), 'b3', 2, Date.now());
    for (let s = 0; s < 60; s++) {
      await vi.advanceTimersByTimeAsync(1_000);
      const renewal = lease.keepAliveOnce();
      await vi.advanceTimersByTimeAsync(0); // the answer, at once
      expect(await renewal).toBe(2);
      expect(lease.state).toBe('active');
    }
    await vi.advanceTimersByTimeAsync(1_999);
    expect(lease.state).toBe('active');
    await vi.advanceTimersByTimeAsync(1);
    expect(lease.state).toBe('lost');
  });

  it('a renewal answered with TTL 0 (revoked elsewhere) loses the lease at once and rejects', async () => {
    const lease = new Lease(answering(0), 'b4', 30, Date.now());
    const heard: unknown[] = [];
    lease.onLost((r) => heard.push(r));
    const renewal = lease.keepAliveOnce().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await renewal).toBeInstanceOf(LeaseNotFoundError);
    expect(lease.state).toBe('lost');
    await vi.advanceTimersByTimeAsync(0);
    expect(heard).toEqual([await lease.lost]);
  });

  it('a closed lease is never reported lost when its TTL passes', async () => {
    const lease = new Lease(offline(), 'b5', 1, Date.now());
    const heard: unknown[] = [];
    lease.onLost((r) => heard.push(r));
    await lease.close();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lease.state).toBe('closed');
    expect(heard).toEqual([]);
  });
});
