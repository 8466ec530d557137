import { afterEach, describe, expect, it, vi } from 'vitest';
import { Backoff, sleep } from './backoff.js';
import { FakeClock } from './fake-clock.js';

const bounds = { initialMs: 100, floorMs: 50, maxMs: 3000 };

function delays(n: number, random?: () => number): number[] {
  if (random) vi.spyOn(Math, 'random').mockImplementation(random);
  const backoff = new Backoff(bounds);
  return Array.from({ length: n }, () => backoff.next());
}

afterEach(() => vi.restoreAllMocks());

describe('Backoff', () => {
  it('grows from about the initial delay up to the maximum', () => {
    const d = delays(10, () => 0.5);
    expect(d[0]).toBeGreaterThanOrEqual(bounds.floorMs);
    expect(d[0]).toBeLessThanOrEqual(1.4 * bounds.initialMs);
    for (let i = 1; i < 5; i++) expect(d[i]).toBeGreaterThan(d[i - 1]!);
    expect(d.at(-1)).toBe(bounds.maxMs);
  });

  it('keeps every delay within its floor and maximum, whatever the draw', () => {
    for (const r of [0, 0.001, 0.5, 0.999]) {
      for (const d of delays(12, () => r)) {
        expect(d).toBeGreaterThanOrEqual(bounds.floorMs);
        expect(d).toBeLessThanOrEqual(bounds.maxMs);
      }
      vi.restoreAllMocks();
    }
  });

  it('has jitter: the same attempt waits differently with different draws', () => {
    const low = delays(4, () => 0.1);
    vi.restoreAllMocks();
    const high = delays(4, () => 0.9);
    for (let i = 1; i < 4; i++) expect(high[i]).not.toBe(low[i]);
  });

  it('starts over after reset()', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const backoff = new Backoff(bounds);
    const first = backoff.next();
    backoff.next();
    backoff.next();
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(first);
  });
});

describe('sleep', () => {
  it('resolves true once the time has passed', async () => {
    const clock = new FakeClock();
    const slept = sleep(200, undefined, clock);
    clock.tick(199);
    expect(clock.pending).toBe(1);
    clock.tick(1);
    expect(await slept).toBe(true);
  });

  it('resolves false at once on abort and leaves no timer behind', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const slept = sleep(10_000, ac.signal, clock);
    ac.abort();
    expect(await slept).toBe(false);
    expect(clock.pending).toBe(0);
    expect(await sleep(10, ac.signal, clock)).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('does not keep the process alive on the real clock once aborted', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const ac = new AbortController();
    const slept = sleep(60_000, ac.signal);
    expect(timers()).toBe(before + 1);
    ac.abort();
    expect(await slept).toBe(false);
    expect(timers()).toBe(before);
  });
});
