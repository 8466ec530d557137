import { ValidationError } from '../errors/index.js';

/**
 * A subscription point, modelled on cockatiel's `Event<T>`: a function that
 * takes a listener and returns the function that unsubscribes it.
 */
export type Event<T> = (listener: (value: T) => void) => () => void;

/**
 * Where the error of a listener that throws goes. The rule, everywhere in
 * etcdkit: a throwing listener never crashes the process and never keeps the
 * other listeners from being called; its error is reported, never rethrown:
 * to the client's logger and on the `etcdkit:listener` diagnostics channel
 * (`Instruments.listenerError`), which is what every emitter of a client is
 * given.
 */
export type ListenerErrorHandler = (err: unknown) => void;

/** Refuses a listener that is not a function, with a typed error. */
export function checkListener(listener: unknown): void {
  if (typeof listener !== 'function') throw new ValidationError(`listener must be a function, got ${typeof listener}`);
}

/**
 * Listeners of one kind of event. Listeners run synchronously, in the order
 * they subscribed; a listener added or removed while an event is delivered
 * takes effect from the next event. A listener that throws is handed to
 * `onListenerError` and the next listener is called.
 */
export class Emitter<T> {
  readonly #listeners = new Set<(value: T) => void>();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler) {
    this.#onListenerError = onListenerError;
  }

  /**
   * Subscribes `listener`; returns the function that unsubscribes it. The
   * same function subscribed twice is called twice.
   * @throws {@link ValidationError} when `listener` is not a function.
   */
  readonly event: Event<T> = (listener) => {
    checkListener(listener);
    const entry = (value: T) => listener(value);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  };

  /** How many listeners are subscribed. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Calls every listener with `value`. */
  emit(value: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (err) {
        this.#report(err);
      }
    }
  }

  /** Calls `listener` alone (a late subscriber), under the same rule. */
  call(listener: (value: T) => void, value: T): void {
    try {
      listener(value);
    } catch (err) {
      this.#report(err);
    }
  }

  #report(err: unknown): void {
    try {
      this.#onListenerError(err);
    } catch {
      // Reporting is best effort: it must not break delivery either.
    }
  }

  /** Unsubscribes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
