/**
 * @internal Where the engines (watch reconnection, lease keep-alive, backoff)
 * get their time: the system's in production, a fake one that a unit test
 * advances by hand, so timing logic is tested without waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /**
   * Calls `fn` once after `ms`; the returned function cancels it (idempotent).
   * With `unref`, the wait does not keep the process alive.
   */
  after(ms: number, fn: () => void, options?: { readonly unref?: boolean }): () => void;
  /** Calls `fn` on the next turn of the event loop, after pending I/O; the returned function cancels it. */
  soon(fn: () => void): () => void;
}

/**
 * @internal The real clock. It reads the timer globals at each call (not at
 * import), so vitest's fake timers would drive it too.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  after(ms: number, fn: () => void, options?: { readonly unref?: boolean }): () => void {
    const timer = setTimeout(fn, ms);
    if (options?.unref) timer.unref();
    return () => clearTimeout(timer);
  },
  soon(fn: () => void): () => void {
    const immediate = setImmediate(fn);
    return () => clearImmediate(immediate);
  },
});
