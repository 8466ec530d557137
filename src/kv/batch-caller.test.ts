import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CompactedError, LeaseNotFoundError, TimeoutError, ValidationError } from '../errors/index.js';
import { Deadlines } from '../transport/index.js';
import { arm, asOwn, callerDeadline, disarm, unarmed, type BatchCaller } from './batch-caller.js';

const caller = (deadline: number, signal?: AbortSignal): BatchCaller => ({
  ctx: { op: 'put', key: '/a' },
  signal,
  deadline,
  done: false,
  onAbort: undefined,
  expire: unarmed,
});

describe('asOwn', () => {
  it("names the caller's operation and key, keeping class, code, fields and cause", () => {
    const cause = new Error('etcdserver: requested lease not found');
    const err = new LeaseNotFoundError('put (batch of 2): etcdserver: requested lease not found', { cause });
    const own = asOwn(err, { op: 'put (batch of 2)' }, caller(0), 2) as LeaseNotFoundError;
    expect(own).toBeInstanceOf(LeaseNotFoundError);
    expect(own.code).toBe('LEASE_NOT_FOUND');
    expect(own.name).toBe('LeaseNotFoundError');
    expect(own.cause).toBe(cause);
    expect(own.message).toBe("put '/a' (in a batch of 2): etcdserver: requested lease not found");
    expect(own.stack).toContain("put '/a' (in a batch of 2)");
    expect(err.message).toMatch(/^put \(batch of 2\)/); // the batch's error is left as it was
    const compacted = new CompactedError('get (batch of 3): compacted', 7, 9);
    expect(asOwn(compacted, { op: 'get (batch of 3)' }, caller(0), 3)).toMatchObject({ compactRevision: 7 });
  });

  it('returns an error that does not name the batch as it is', () => {
    const err = new TimeoutError("put '/a': no answer");
    expect(asOwn(err, { op: 'put (batch of 2)' }, caller(0), 2)).toBe(err);
    expect(asOwn('text', { op: 'x' }, caller(0), 2)).toBe('text');
  });
});

describe('callerDeadline, arm and disarm', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('refuses bad options before a caller joins', () => {
    for (const timeoutMs of [Number.NaN, Number.POSITIVE_INFINITY, 0, -5])
      expect(() => callerDeadline({ timeoutMs }, 1000)).toThrow(ValidationError);
    expect(() => callerDeadline({ signal: {} as AbortSignal }, 1000)).toThrow(ValidationError);
    expect(callerDeadline({}, 1000)).toBe(Date.now() + 1000);
  });

  it("gives the caller's own timeout once, counted from its call, and nothing once disarmed", () => {
    const deadlines = new Deadlines();
    const give = vi.fn();
    const p = caller(Date.now() + 300);
    expect(arm(p, deadlines, give, () => new TimeoutError('late'))).toBe(true);
    vi.advanceTimersByTime(299);
    expect(give).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(give).toHaveBeenCalledWith(expect.any(TimeoutError));
    const q = caller(Date.now() + 300);
    const other = vi.fn();
    arm(q, deadlines, other, () => new TimeoutError('late'));
    expect(disarm(q, deadlines)).toBe(true);
    expect(disarm(q, deadlines)).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(other).not.toHaveBeenCalled();
    expect(deadlines.size).toBe(0);
  });

  it('refuses a caller whose signal already aborted, and gives CancelledError on a later abort', () => {
    expect(
      arm(caller(Date.now() + 300, AbortSignal.abort()), new Deadlines(), vi.fn(), () => new TimeoutError('late')),
    ).toBe(false);
    const ac = new AbortController();
    const give = vi.fn();
    arm(caller(Date.now() + 300, ac.signal), new Deadlines(), give, () => new TimeoutError('late'));
    ac.abort();
    expect(give).toHaveBeenCalledWith(expect.objectContaining({ code: 'CANCELLED' }));
  });
});
