/**
 * A subscription point, modelled on cockatiel's `Event<T>`: a function that
 * takes a listener and returns the function that unsubscribes it.
 */
export type Event<T> = (listener: (value: T) => void) => () => void;

/** What happens to the error of a listener that throws. */
export type ListenerErrorHandler = (err: unknown) => void;

/**
 * The rule for a listener that throws, everywhere in etcdkit: it never breaks
 * the emitter nor keeps the other listeners from being called, and its error
 * is never swallowed silently: it is rethrown asynchronously (in a microtask),
 * so it surfaces as an uncaught exception, as a throwing event handler would.
 * An emitter whose public contract says otherwise passes its own handler.
 */
export const rethrowLater: ListenerErrorHandler = (err) => {
  queueMicrotask(() => {
    throw err;
  });
};

/**
 * Listeners of one kind of event. Listeners run synchronously, in the order
 * they subscribed; a listener added or removed while an event is delivered
 * takes effect from the next event. A listener that throws is handled by
 * `onListenerError` (default {@link rethrowLater}).
 */
export class Emitter<T> {
  readonly #listeners = new Set<(value: T) => void>();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler = rethrowLater) {
    this.#onListenerError = onListenerError;
  }

  /**
   * Subscribes `listener`; returns the function that unsubscribes it. The
   * same function subscribed twice is called twice.
   * @throws TypeError when `listener` is not a function.
   */
  readonly event: Event<T> = (listener) => {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
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
        this.#onListenerError(err);
      }
    }
  }

  /** Unsubscribes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
