import { describe, expect, it } from 'vitest';
import { LeaseNotFoundError, ValidationError } from '../errors/index.js';
import { LossSignal } from './loss.js';

describe('LossSignal', () => {
  it('fires once: resolves its promise and calls listeners with the first reason', async () => {
    const signal = new LossSignal(() => {});
    const heard: unknown[] = [];
    signal.on((r) => heard.push(r));
    const removed = signal.on(() => heard.push('removed'));
    removed();
    const first = new LeaseNotFoundError('gone');
    signal.fire(first);
    signal.fire(new LeaseNotFoundError('again'));
    expect(await signal.promise).toBe(first);
    expect(heard).toEqual([first]);
    expect(signal.reason).toBe(first);
  });

  it('calls a late listener asynchronously, and reports a throwing listener without rethrowing it', async () => {
    const reported: unknown[] = [];
    const signal = new LossSignal((err) => reported.push(err));
    const heard: string[] = [];
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      signal.on(() => {
        throw new Error('listener bug');
      });
      signal.on(() => heard.push('second'));
      signal.fire(new LeaseNotFoundError('gone'));
      signal.on(() => {
        throw new Error('late bug');
      });
      signal.on(() => heard.push('late'));
      expect(heard).toEqual(['second']);
      await new Promise((r) => setTimeout(r, 10));
      expect(heard).toEqual(['second', 'late']);
      expect(reported.map((e) => (e as Error).message)).toEqual(['listener bug', 'late bug']);
      expect(uncaught).toEqual([]);
      expect(() => signal.on(42 as never)).toThrow(ValidationError);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
