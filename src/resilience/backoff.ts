import { decorrelatedJitterGenerator, ExponentialBackoff, type IBackoff } from 'cockatiel';
import { type Clock, systemClock } from './clock.js';

/** @internal The bounds of a {@link Backoff}, in milliseconds. */
export interface BackoffBounds {
  /** Scale of the first delay (cockatiel's `initialDelay`): the first one falls between `floorMs` and about 1.4 times this. */
  readonly initialMs: number;
  /**
   * No delay is shorter: decorrelated jitter can draw a delay near 0, and a
   * retry at once after a failure would meet the same failure.
   */
  readonly floorMs: number;
  /** No delay is longer. */
  readonly maxMs: number;
}

/**
 * @internal The delays between the attempts of one reconnecting engine: the
 * same exponential backoff with decorrelated jitter (cockatiel's, as the call
 * layer's retries use) for every watch, mirror relist and keep-alive stream,
 * so clients that lost a member together do not come back in lockstep.
 * `next()` gives the next delay; `reset()` after a success starts over.
 */
export class Backoff {
  readonly #bounds: BackoffBounds;
  readonly #factory: ExponentialBackoff<unknown>;
  #current: IBackoff<unknown> | undefined;
  #attempts = 0;

  constructor(bounds: BackoffBounds) {
    this.#bounds = bounds;
    this.#factory = new ExponentialBackoff({
      generator: decorrelatedJitterGenerator,
      initialDelay: bounds.initialMs,
      maxDelay: bounds.maxMs,
    });
  }

  /** Delays handed out since the last reset. */
  get attempts(): number {
    return this.#attempts;
  }

  /** The next delay, in milliseconds. */
  next(): number {
    this.#current = this.#current ? this.#current.next(undefined) : this.#factory.next();
    this.#attempts++;
    const { floorMs, maxMs } = this.#bounds;
    return Math.round(Math.min(maxMs, Math.max(floorMs, this.#current.duration)));
  }

  /** Starts over from the first delay (after a success). */
  reset(): void {
    this.#current = undefined;
    this.#attempts = 0;
  }
}

/**
 * @internal Waits `ms` on `clock`. Resolves `true` once the time has passed,
 * or `false` at once when `signal` aborts (already aborted: without waiting);
 * either way the timer and the listener are gone, so an aborted wait neither
 * keeps the process alive nor fires later. Never rejects.
 */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  clock: Clock = systemClock,
  options: { readonly unref?: boolean } = {},
): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = () => {
      cancel();
      resolve(false);
    };
    const cancel = clock.after(
      ms,
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      },
      options,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
