import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBrokenCircuitError } from 'cockatiel';
import { EndpointSkipped } from './classify.js';
import { EndpointGuards } from './circuits.js';

const A = 'http://a:1';
const B = 'http://b:1';
const dropped = () => Promise.reject(new Error('14 UNAVAILABLE: Connection dropped'));
const ok = () => Promise.resolve('ok');

function setup(endpoints: string[], halfOpenAfterMs = 60_000) {
  const log: string[] = [];
  const guards = new EndpointGuards(
    endpoints,
    { threshold: 2, halfOpenAfterMs },
    {
      down: (e) => log.push(`down ${e}`),
      up: (e) => log.push(`up ${e}`),
    },
  );
  return { guards, log, run: (e: string, fn: () => Promise<string>) => guards.policy(e).execute(fn) };
}

describe('EndpointGuards', () => {
  it('opens an endpoint after `threshold` connection failures and then skips it while another is closed', async () => {
    const { guards, log, run } = setup([A, B]);
    await expect(run(A, dropped)).rejects.toThrow('Connection dropped');
    await expect(run(A, dropped)).rejects.toThrow('Connection dropped');
    expect(log).toEqual([`down ${A}`]);
    expect(guards.states().get(A)).toBe('open');
    let called = false;
    const refused = await run(A, () => ((called = true), ok())).catch((e: unknown) => e);
    expect(isBrokenCircuitError(refused)).toBe(true);
    expect(called).toBe(false);
  });

  it('does not count errors the server answered with', async () => {
    const { guards, run } = setup([A, B]);
    for (let i = 0; i < 3; i++)
      await expect(
        run(A, () => Promise.reject(new Error('etcdserver: mvcc: database space exceeded'))),
      ).rejects.toThrow();
    expect(guards.states().get(A)).toBe('closed');
  });

  it('still sends to an open endpoint when no other can take the call, and closes it on success', async () => {
    const { guards, log, run } = setup([A]);
    await expect(run(A, dropped)).rejects.toThrow();
    await expect(run(A, dropped)).rejects.toThrow();
    expect(guards.allOpen()).toBe(true);
    await expect(run(A, ok)).resolves.toBe('ok');
    expect(guards.states().get(A)).toBe('closed');
    expect(log).toEqual([`down ${A}`, `up ${A}`]);
  });

  it('skips the endpoint a call is told to avoid while another is closed', () => {
    const { guards } = setup([A, B]);
    const avoidA = new Set([A]);
    expect(guards.policy(A).admit!(avoidA)).toBeInstanceOf(EndpointSkipped);
    expect(guards.policy(B).admit!(avoidA)).toBeUndefined();
    // With every closed endpoint avoided, the call is sent anyway.
    expect(guards.policy(A).admit!(new Set([A, B]))).toBeUndefined();
  });

  it('lets one test call through once halfOpenAfterMs has passed: success closes, failure opens again', async () => {
    vi.useFakeTimers();
    const { guards, log, run } = setup([A, B], 1000);
    await expect(run(A, dropped)).rejects.toThrow();
    await expect(run(A, dropped)).rejects.toThrow();
    const a = guards.policy(A);
    expect(a.admit!(undefined)).toBeInstanceOf(Error); // open, B takes the calls
    vi.advanceTimersByTime(1000);
    expect(a.admit!(undefined)).toBeUndefined(); // the test call
    expect(guards.states().get(A)).toBe('half-open');
    expect(a.admit!(undefined)).toBeInstanceOf(Error); // the others go elsewhere meanwhile
    a.settle!(new Error('14 UNAVAILABLE: Connection dropped'));
    expect(guards.states().get(A)).toBe('open');
    vi.advanceTimersByTime(1000);
    expect(a.admit!(undefined)).toBeUndefined();
    a.settle!(undefined);
    expect(guards.states().get(A)).toBe('closed');
    expect(log).toEqual([`down ${A}`, `down ${A}`, `up ${A}`]);
  });

  it('counts consecutive failures only: a success in between starts the count again', async () => {
    const { guards, run } = setup([A, B]);
    await expect(run(A, dropped)).rejects.toThrow();
    await run(A, ok);
    await expect(run(A, dropped)).rejects.toThrow();
    expect(guards.states().get(A)).toBe('closed');
    await expect(run(A, dropped)).rejects.toThrow();
    expect(guards.states().get(A)).toBe('open');
  });
});

afterEach(() => {
  vi.useRealTimers();
});
