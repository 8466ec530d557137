import { describe, expect, it } from 'vitest';
import { LeaseNotFoundError } from '../errors/index.js';
import { LossSignal } from './loss.js';

describe('LossSignal', () => {
  it('fires once: resolves its promise and calls listeners with the first reason', async () => {
    const signal = new LossSignal();
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

  it('calls a late listener asynchronously, and isolates a throwing listener', async () => {
    const signal = new LossSignal();
    const heard: string[] = [];
    const errors: unknown[] = [];
    const onError = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onError);
    try {
      signal.on(() => {
        throw new Error('listener bug');
      });
      signal.on(() => heard.push('second'));
      signal.fire(new LeaseNotFoundError('gone'));
      signal.on(() => heard.push('late'));
      expect(heard).toEqual(['second']);
      await new Promise((r) => setTimeout(r, 10));
      expect(heard).toEqual(['second', 'late']);
      expect(errors).toHaveLength(1);
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
