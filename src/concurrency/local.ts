/**
 * A FIFO turnstile inside one process: callers sharing one Mutex (or
 * RWMutex) handle take turns, so the handle's single etcd key is never
 * claimed by two of them at once.
 */
export class LocalTurn {
  #busy = false;
  readonly #waiting: Array<{ grant: () => void }> = [];

  /** Takes the turn now if free; false otherwise. */
  tryTake(): boolean {
    if (this.#busy) return false;
    this.#busy = true;
    return true;
  }

  /** Waits for the turn; rejects with the signal's reason when it aborts first. */
  take(signal: AbortSignal): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.#waiting.indexOf(entry);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  /** Hands the turn to the next waiter, or frees it. */
  give(): void {
    const next = this.#waiting.shift();
    if (next) next.grant();
    else this.#busy = false;
  }
}
