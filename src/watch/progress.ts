import type { CallOptions } from '../core/call.js';
import { CancelledError, TimeoutError } from '../errors/index.js';

interface Waiter {
  resolve(revision: number): void;
  reject(err: unknown): void;
  cleanup(): void;
}

/**
 * The callers of {@link Watch.requestProgress} waiting for the server's
 * progress response. etcd answers a progress request on the watch's stream
 * with an event-less response whose header revision the watcher is current
 * at; in 3.4 that response has watch id -1 and is broadcast to every watcher
 * of the stream, which here is this watch alone (each watch owns its stream).
 */
export class ProgressRequests {
  readonly #waiters = new Set<Waiter>();

  get waiting(): boolean {
    return this.#waiters.size > 0;
  }

  /** Waits for the next progress response, within the timeout, until aborted. */
  wait(timeoutMs: number, options: CallOptions): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted)
        return reject(new CancelledError('watch.requestProgress: aborted', { cause: signal.reason }));
      const onAbort = () =>
        done(() => reject(new CancelledError('watch.requestProgress: aborted', { cause: signal?.reason })));
      const timer = setTimeout(
        () => done(() => reject(new TimeoutError(`watch.requestProgress: no answer within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const waiter: Waiter = {
        resolve: (rev) => done(() => resolve(rev)),
        reject: (err) => done(() => reject(err)),
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const done = (settle: () => void) => {
        if (!this.#waiters.delete(waiter)) return;
        waiter.cleanup();
        settle();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** A progress response arrived: every waiter gets its revision. */
  answered(revision: number): void {
    for (const w of [...this.#waiters]) w.resolve(revision);
  }

  /** The watch ended: every waiter gets why. */
  failAll(err: unknown): void {
    for (const w of [...this.#waiters]) w.reject(err);
  }
}
