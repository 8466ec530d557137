import { checkCallOptions } from '../core/options.js';
import { setLongTimeout } from '../core/timer.js';
import { CancelledError, TimeoutError, type EtcdKitError } from '../errors/index.js';

/** How a blocking recipe call may be bounded. */
export interface WaitOptions {
  /** Aborts the wait; the call then rejects with {@link CancelledError} and leaves no key behind. */
  signal?: AbortSignal;
  /** Gives up after this many milliseconds with {@link TimeoutError} (no key left behind). */
  timeoutMs?: number;
}

/**
 * One abort signal for a blocking call, whose reason is always the
 * {@link EtcdKitError} the call must reject with: the caller's signal
 * (cancelled), a timeout, the session's loss, or the handle being closed.
 */
export class Stop {
  readonly #controller = new AbortController();
  readonly #cleanups: Array<() => void> = [];

  constructor(op: string, options: WaitOptions = {}) {
    checkCallOptions(options);
    const { signal, timeoutMs } = options;
    if (signal) {
      this.link(signal, () => new CancelledError(`${op}: aborted`, { cause: signal.reason }));
    }
    if (timeoutMs !== undefined) {
      const timer = setLongTimeout(
        () => this.abort(new TimeoutError(`${op}: not done within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#cleanups.push(() => timer.clear());
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The error the call must reject with once stopped. */
  get reason(): EtcdKitError | undefined {
    return this.signal.aborted ? (this.signal.reason as EtcdKitError) : undefined;
  }

  /** Stops with `reason` (the first reason wins). */
  abort(reason: EtcdKitError): void {
    if (!this.signal.aborted) this.#controller.abort(reason);
  }

  /** Stops when `signal` aborts, with the error `make` builds. */
  link(signal: AbortSignal, make: () => EtcdKitError): void {
    if (signal.aborted) {
      this.abort(make());
      return;
    }
    const onAbort = () => this.abort(make());
    signal.addEventListener('abort', onAbort, { once: true });
    this.#cleanups.push(() => signal.removeEventListener('abort', onAbort));
  }

  /** The error to reject with: the stop reason when stopped (a failed RPC after an abort is a consequence), else `err`. */
  explain(err: unknown): unknown {
    return this.reason ?? err;
  }

  /** Removes every listener and timer. */
  dispose(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }
}
