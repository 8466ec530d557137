import { MAX_TIMER_MS } from '../config/duration.js';

/** A timer made by {@link setLongTimeout}. */
export interface LongTimer {
  /** Cancels the timer; idempotent. */
  clear(): void;
}

/**
 * `setTimeout` for any delay: Node fires a delay over 2^31 - 1 ms after 1 ms,
 * so a longer one is waited out in steps of at most that, and `fn` never runs
 * early. Unreferenced timers do not keep the process alive.
 */
export function setLongTimeout(fn: () => void, ms: number, options: { unref?: boolean } = {}): LongTimer {
  let left = Math.max(0, ms);
  let timer: NodeJS.Timeout | undefined;
  const step = () => {
    const now = Math.min(left, MAX_TIMER_MS);
    left -= now;
    timer = setTimeout(left > 0 ? step : fn, now);
    if (options.unref) timer.unref();
  };
  step();
  return { clear: () => clearTimeout(timer) };
}
