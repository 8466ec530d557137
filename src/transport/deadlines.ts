import { Metadata, status } from '@grpc/grpc-js';
import { MAX_TIMER_MS } from '../config/duration.js';

/** A unary call in flight, as the {@link Deadlines} see it. */
export interface Pending {
  /** When the call gives up, as a `Date.now()` time. */
  readonly deadline: number;
  /**
   * Ends the call now because its deadline passed: cancels it and makes it
   * fail with a deadline error that says whether the request may have been sent.
   */
  expire(): void;
}

/**
 * One timer for the deadlines of every unary call in flight on a wire.
 *
 * grpc-js arms a timer of its own for each call given a deadline, and writes a
 * `grpc-timeout` header: about 5 % of a call's client CPU at concurrency 1
 * (the timer is re-armed on every turn of the event loop). Here a call is an
 * entry in a set; the one timer is armed for the earliest deadline only when a
 * call's deadline is earlier than the one it is armed for, which calls of the
 * same timeout never are: it fires about once per timeout, finds the calls
 * that have ended gone, and re-arms for the earliest left.
 */
export class Deadlines {
  readonly #calls = new Set<Pending>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #at = Number.POSITIVE_INFINITY;

  /** Follows `call` until {@link Deadlines.delete} or its deadline. */
  add(call: Pending): void {
    this.#calls.add(call);
    if (call.deadline < this.#at) this.#arm(call.deadline);
  }

  /** The call ended: forget it (the timer is left armed: it finds nothing to do). */
  delete(call: Pending): void {
    this.#calls.delete(call);
  }

  /** How many calls are followed (for tests). */
  get size(): number {
    return this.#calls.size;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#at = at;
    this.#timer = setTimeout(this.#fire, Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS));
    this.#timer.unref?.();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const call of this.#calls) {
      if (call.deadline <= now) {
        this.#calls.delete(call);
        call.expire();
      } else if (call.deadline < next) {
        next = call.deadline;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  };
}

/**
 * The error a call whose deadline passed fails with: grpc-js' shape and words
 * for a `DEADLINE_EXCEEDED` status, with `progress` (see `callProgress` in
 * internals.ts) saying where the call got to. The call layer reads "Waiting
 * for LB pick" and the like as "never sent" (resilience/classify.ts), as it
 * does when grpc-js' own deadline fires; unknown progress reads as "may have
 * been sent".
 */
export function deadlineError(startedAt: number, progress: readonly string[] | undefined): Error {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(3);
  const details = `Deadline exceeded after ${seconds}s,${(progress ?? ['progress unknown']).join(',')}`;
  return Object.assign(new Error(`${status.DEADLINE_EXCEEDED} DEADLINE_EXCEEDED: ${details}`), {
    code: status.DEADLINE_EXCEEDED,
    details,
    metadata: new Metadata(),
  });
}
