import { describe, expect, it } from 'vitest';
import { isBrokenCircuitError } from 'cockatiel';
import { EndpointSkipped } from './classify.js';
import { EndpointGuards, traced, type AttemptTrace } from './circuits.js';

const A = 'http://a:1';
const B = 'http://b:1';
const dropped = () => Promise.reject(new Error('14 UNAVAILABLE: Connection dropped'));
const ok = () => Promise.resolve('ok');

function setup(endpoints: string[]) {
  const log: string[] = [];
  const guards = new EndpointGuards(
    endpoints,
    { threshold: 2, halfOpenAfterMs: 60_000 },
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

  it('skips the endpoint a call is told to avoid, and records where an attempt went', async () => {
    const { run } = setup([A, B]);
    const avoidA: AttemptTrace = { avoid: new Set([A]) };
    await expect(traced(avoidA, () => run(A, ok))).rejects.toBeInstanceOf(EndpointSkipped);
    await expect(traced(avoidA, () => run(B, ok))).resolves.toBe('ok');
    expect(avoidA.endpoint).toBe(B);
    // With every closed endpoint avoided, the call is sent anyway.
    await expect(traced({ avoid: new Set([A, B]) }, () => run(A, ok))).resolves.toBe('ok');
  });
});
