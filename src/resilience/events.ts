import type { EtcdKitError } from '../errors/index.js';
import { Emitter, type ListenerErrorHandler } from '../events/index.js';
import { checkBufferSize } from '../config/checks.js';
import { checkCallOptions } from '../core/options.js';

/**
 * The client's overall connection state.
 * - `connected`: the last call reached the cluster.
 * - `reconnecting`: a call failed on a transient error and is being retried.
 * - `disconnected`: every endpoint's circuit is open; calls fail fast until one is tested again.
 * - `closed`: {@link Client.close} was called.
 */
export type ConnectionState = 'connected' | 'reconnecting' | 'disconnected' | 'closed';

/** What {@link Client.onStateChange} reports: a change of overall state, or of one endpoint. */
export type ConnectionEvent =
  | {
      /** What happened. */
      readonly type: 'connected';
      /** When it happened (`Date.now()` milliseconds). */
      readonly at: number;
    }
  | {
      /** What happened. */
      readonly type: 'reconnecting';
      /** When it happened (`Date.now()` milliseconds). */
      readonly at: number;
      /** The failure behind the change. */
      readonly error: EtcdKitError;
    }
  | {
      /** What happened. */
      readonly type: 'disconnected';
      /** When it happened (`Date.now()` milliseconds). */
      readonly at: number;
      /** The failure behind the change. */
      readonly error?: EtcdKitError;
    }
  | {
      /** What happened. */
      readonly type: 'closed';
      /** When it happened (`Date.now()` milliseconds). */
      readonly at: number;
    }
  /** The endpoint's circuit opened: calls go to the other endpoints. */
  | {
      /** What happened. */
      readonly type: 'endpoint-down';
      /** When it happened (`Date.now()` milliseconds). */
      readonly at: number;
      /** The endpoint concerned. */
      readonly endpoint: string;
      /** The failure behind the change. */
      readonly error?: EtcdKitError;
    }
  /** A test call to the endpoint succeeded: its circuit closed and it takes calls again. */
  | {
      /** What happened. */
      readonly type: 'endpoint-up';
      /** When it happened (`Date.now()` milliseconds). */
      readonly at: number;
      /** The endpoint concerned. */
      readonly endpoint: string;
    };

/** Options of {@link Client.stateChanges}. */
export interface StateChangesOptions {
  /** Ends the iteration. */
  signal?: AbortSignal;
  /** Events kept for a slow consumer; the oldest are dropped beyond it. @default 100 */
  bufferSize?: number;
}

type Listener = (event: ConnectionEvent) => void;
type Unstamped = ConnectionEvent extends infer E ? (E extends ConnectionEvent ? Omit<E, 'at'> : never) : never;

/**
 * Keeps the overall state and tells listeners about changes. A listener that
 * throws is handed to `onListenerError` (the rule of {@link Emitter}).
 */
export class ConnectionEvents {
  readonly #listeners: Emitter<ConnectionEvent>;
  #state: ConnectionState = 'connected';

  constructor(onListenerError: ListenerErrorHandler) {
    this.#listeners = new Emitter(onListenerError);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Calls `listener` on every later event; returns a function that stops that. */
  subscribe(listener: Listener): () => void {
    return this.#listeners.event(listener);
  }

  /** Moves to `state` (no event when already there; nothing leaves `closed`). */
  transition(event: Unstamped & { type: ConnectionState }): void {
    if (this.#state === 'closed' || this.#state === event.type) return;
    this.#state = event.type;
    this.emit(event);
  }

  emit(event: Unstamped): void {
    const stamped = Object.freeze({ ...event, at: Date.now() }) as ConnectionEvent;
    this.#listeners.emit(stamped);
  }

  /** The events as an async iterable with a bounded buffer (oldest dropped). */
  async *iterate(options: StateChangesOptions = {}): AsyncGenerator<ConnectionEvent, void, undefined> {
    // Bad options (not an object, a signal that is not an AbortSignal) would fail below as a raw TypeError.
    checkCallOptions(options);
    const size = checkBufferSize(options.bufferSize) ?? 100;
    const buffer: ConnectionEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = this.subscribe((e) => {
      buffer.push(e);
      if (buffer.length > size) buffer.shift();
      wake?.();
    });
    const onAbort = () => wake?.();
    options.signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        while (buffer.length > 0) yield buffer.shift()!;
        if (options.signal?.aborted || this.#state === 'closed') return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      unsubscribe();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}
