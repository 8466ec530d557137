import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { Emitter } from './emitter.js';
import { Settlement } from './settle.js';

describe('Emitter', () => {
  it('calls listeners in order until they unsubscribe; each subscription is its own', () => {
    const emitter = new Emitter<number>(() => {});
    const heard: string[] = [];
    const a = (n: number) => heard.push(`a${n}`);
    const offA = emitter.event(a);
    const offA2 = emitter.event(a);
    emitter.event((n) => heard.push(`b${n}`));
    emitter.emit(1);
    offA();
    emitter.emit(2);
    offA2();
    emitter.emit(3);
    expect(heard).toEqual(['a1', 'a1', 'b1', 'a2', 'b2', 'b3']);
    expect(() => emitter.event(42 as never)).toThrow(ValidationError);
  });

  it('hands a throwing listener to its handler, after calling the others; never rethrows', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const reported: unknown[] = [];
      const emitter = new Emitter<string>((err) => {
        reported.push(err);
        throw new Error('a failing reporter changes nothing');
      });
      const heard: string[] = [];
      const boom = new Error('listener bug');
      emitter.event(() => {
        throw boom;
      });
      emitter.event((v) => heard.push(v));
      emitter.emit('x');
      expect(heard).toEqual(['x']);
      expect(reported).toEqual([boom]);
      await new Promise((r) => setTimeout(r, 10));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('hands a listener error to the handler given instead', () => {
    const seen: unknown[] = [];
    const emitter = new Emitter<number>((err) => seen.push(err));
    emitter.event(() => {
      throw new Error('x');
    });
    emitter.emit(1);
    expect(seen).toHaveLength(1);
  });
});

describe('Settlement', () => {
  it('resolves or rejects once; the first call wins', async () => {
    const ok = new Settlement();
    ok.settle();
    ok.settle(new Error('late'));
    await expect(ok.promise).resolves.toBeUndefined();
    const failed = new Settlement();
    const err = new Error('gone');
    failed.settle(err);
    failed.settle();
    await expect(failed.promise).rejects.toBe(err);
  });

  it('a rejection nobody awaits is not reported as unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      new Settlement().settle(new Error('ignored'));
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
