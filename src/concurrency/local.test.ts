import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors/index.js';
import { LocalTurn } from './local.js';

describe('LocalTurn', () => {
  it('serves waiters in order and frees the turn after the last', async () => {
    const turn = new LocalTurn();
    const never = new AbortController().signal;
    await turn.take(never);
    const order: number[] = [];
    const waits = [1, 2].map((i) => turn.take(never).then(() => void order.push(i)));
    expect(turn.tryTake()).toBe(false);
    turn.give();
    await waits[0];
    expect(order).toEqual([1]);
    turn.give();
    await waits[1];
    expect(order).toEqual([1, 2]);
    turn.give();
    expect(turn.tryTake()).toBe(true);
  });

  it('an aborted waiter leaves the queue with the signal reason', async () => {
    const turn = new LocalTurn();
    const never = new AbortController().signal;
    await turn.take(never);
    const controller = new AbortController();
    const aborted = turn.take(controller.signal);
    const next = turn.take(never);
    controller.abort(new CancelledError('stop'));
    await expect(aborted).rejects.toBeInstanceOf(CancelledError);
    turn.give();
    await next; // handed past the aborted waiter
    expect(turn.tryTake()).toBe(false);
  });
});
