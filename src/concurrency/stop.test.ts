import { describe, expect, it } from 'vitest';
import { CancelledError, LockLostError, TimeoutError, ValidationError } from '../errors/index.js';
import { Stop } from './stop.js';

describe('Stop', () => {
  it('turns the caller signal into CancelledError and a timeout into TimeoutError', async () => {
    const controller = new AbortController();
    const cancelled = new Stop('lock x', { signal: controller.signal });
    controller.abort('why');
    expect(cancelled.reason).toBeInstanceOf(CancelledError);
    expect((cancelled.reason as CancelledError).cause).toBe('why');

    const timed = new Stop('lock x', { timeoutMs: 10 });
    await new Promise((r) => setTimeout(r, 30));
    expect(timed.reason).toBeInstanceOf(TimeoutError);
    expect(timed.reason?.message).toBe('lock x: not done within 10 ms');
  });

  it('keeps the first reason, explains failures by it, and disposes its timer', () => {
    const stop = new Stop('op', { timeoutMs: 5 });
    stop.abort(new LockLostError('lost'));
    stop.abort(new CancelledError('later'));
    expect(stop.reason).toBeInstanceOf(LockLostError);
    expect(stop.explain(new Error('rpc failed'))).toBe(stop.reason);
    stop.dispose();
    const idle = new Stop('op');
    const err = new Error('x');
    expect(idle.explain(err)).toBe(err);
  });

  it('refuses a bad timeout', () => {
    expect(() => new Stop('op', { timeoutMs: 0 })).toThrow(ValidationError);
    expect(() => new Stop('op', { timeoutMs: Number.NaN })).toThrow(ValidationError);
  });
});
