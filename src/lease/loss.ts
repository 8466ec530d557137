import type { EtcdKitError } from '../errors/index.js';

/** Called once with the reason when a lease, session or lock is lost. */
export type LossListener = (reason: EtcdKitError) => void;

/**
 * A one-shot signal: a promise that resolves with the reason (it never
 * rejects, so nobody gets an unhandled rejection for not listening) plus
 * listeners called once, synchronously, when it fires.
 */
export class LossSignal {
  readonly promise: Promise<EtcdKitError>;
  #resolve!: (reason: EtcdKitError) => void;
  #listeners = new Set<LossListener>();
  #reason: EtcdKitError | undefined;

  constructor() {
    this.promise = new Promise((resolve) => (this.#resolve = resolve));
  }

  /** The reason, once fired. */
  get reason(): EtcdKitError | undefined {
    return this.#reason;
  }

  /** Adds a listener (called at once, asynchronously, if already fired); returns its remover. */
  on(listener: LossListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    if (this.#reason) {
      const reason = this.#reason;
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Fires once; later calls are ignored. A throwing listener does not stop the others. */
  fire(reason: EtcdKitError): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#resolve(reason);
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch (err) {
        // Report it like an uncaught error without breaking the other listeners.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
