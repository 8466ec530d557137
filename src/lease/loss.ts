import type { EtcdKitError } from '../errors/index.js';
import { checkListener, Emitter, type ListenerErrorHandler } from '../events/index.js';

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
  readonly #listeners: Emitter<EtcdKitError>;
  #reason: EtcdKitError | undefined;

  /** `onListenerError` gets what a listener throws (see {@link ListenerErrorHandler}). */
  constructor(onListenerError: ListenerErrorHandler) {
    this.#listeners = new Emitter(onListenerError);
    this.promise = new Promise((resolve) => (this.#resolve = resolve));
  }

  /** The reason, once fired. */
  get reason(): EtcdKitError | undefined {
    return this.#reason;
  }

  /**
   * Adds a listener (called at once, asynchronously, if already fired); returns its remover.
   * A listener that throws is contained and reported (see {@link ListenerErrorHandler}).
   * @throws {@link ValidationError} when `listener` is not a function.
   */
  on(listener: LossListener): () => void {
    checkListener(listener);
    if (this.#reason) {
      const reason = this.#reason;
      queueMicrotask(() => this.#listeners.call(listener, reason));
      return () => {};
    }
    return this.#listeners.event(listener);
  }

  /** Fires once; later calls are ignored. A throwing listener does not stop the others. */
  fire(reason: EtcdKitError): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#resolve(reason);
    this.#listeners.emit(reason);
    this.#listeners.clear();
  }
}
