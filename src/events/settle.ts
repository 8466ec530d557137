/**
 * A promise settled once from outside: `settle()` resolves it, `settle(err)`
 * rejects it with `err`; later calls do nothing. Used for the `done` promise
 * of watches and mirrors. A rejection nobody awaits is not reported as
 * unhandled: users who iterate (or use a callback) need never look at it.
 */
export class Settlement {
  readonly promise: Promise<void>;
  #settle!: (err?: unknown) => void;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.#settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    this.promise.catch(() => undefined);
  }

  /** Resolves (no argument) or rejects with `err`; only the first call counts. */
  settle(err?: unknown): void {
    this.#settle(err);
  }
}
