import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_GRPC_TIMEOUT_MS, MAX_TIMER_MS, checkDuration, durationProblem, grpcDeadline } from '../config/duration.js';
import { ValidationError } from '../errors/index.js';
import { setLongTimeout } from './timer.js';

describe('setLongTimeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits out a delay longer than one Node timer, never firing early', () => {
    const fn = vi.fn();
    setLongTimeout(fn, MAX_TIMER_MS + 5);
    vi.advanceTimersByTime(MAX_TIMER_MS + 4);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('fires a short delay once, and not at all once cleared', () => {
    const fn = vi.fn();
    setLongTimeout(fn, 10);
    const cleared = vi.fn();
    const t = setLongTimeout(cleared, 3 * MAX_TIMER_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS + 1);
    t.clear();
    vi.advanceTimersByTime(3 * MAX_TIMER_MS);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(cleared).not.toHaveBeenCalled();
  });
});

describe('durations', () => {
  it('accepts finite numbers above zero, and whole ones only when asked', () => {
    expect(durationProblem(1)).toBeUndefined();
    expect(durationProblem(0.5)).toBeUndefined();
    expect(durationProblem(1e16)).toBeUndefined();
    expect(durationProblem(0.5, true)).toMatch(/whole/);
  });

  it('refuses NaN, infinities, zero, negatives and non-numbers, showing the value', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 0, -5, 'abc', null, {}]) {
      expect(() => checkDuration('timeoutMs', bad)).toThrow(ValidationError);
    }
    expect(() => checkDuration('timeoutMs', 'abc')).toThrow(
      'timeoutMs must be a positive number of milliseconds, got "abc"',
    );
  });

  it('clamps gRPC deadlines to what grpc-js can encode (under 10^8 hours)', () => {
    const now = Date.now();
    expect(grpcDeadline(1e16) - now).toBeLessThanOrEqual(MAX_GRPC_TIMEOUT_MS + 1000);
    expect(MAX_GRPC_TIMEOUT_MS / 3_600_000).toBeLessThan(1e8);
    expect(grpcDeadline(5000) - now).toBeGreaterThanOrEqual(5000);
  });
});
