import type { Backend } from '../backend/index.js';
import type { ListenerErrorHandler } from '../events/index.js';
import { ConnectionEvents, type ConnectionEvent, type ConnectionState } from '../resilience/events.js';

const SEVERITY: readonly ConnectionState[] = ['connected', 'reconnecting', 'disconnected', 'closed'];

/** The worst of several clusters' connection states. */
export function worst(states: readonly ConnectionState[]): ConnectionState {
  return states.reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), 'connected');
}

type Unstamped<E> = E extends ConnectionEvent ? Omit<E, 'at'> : never;

/**
 * The connection events of a partitioned keyspace, heard from every
 * partition's cluster: endpoint events pass through as they come; state
 * events become changes of the worst state, so a listener always agrees
 * with `connectionState` (which reports the worst). A state event carries
 * the event (and its error) of the partition that is in that state.
 */
export class MergedConnection {
  readonly events: ConnectionEvents;
  readonly #backends: readonly Backend[];
  /** The last state event of each partition, for the error of the worst one. */
  readonly #last = new Map<Backend, ConnectionEvent>();

  /** `onListenerError` gets what a listener of the merged events throws. */
  constructor(backends: readonly Backend[], onListenerError: ListenerErrorHandler) {
    this.events = new ConnectionEvents(onListenerError);
    this.#backends = backends;
    for (const backend of backends) backend.onStateChange((event) => this.#heard(backend, event));
  }

  /** The worst state of any partition's cluster. */
  get state(): ConnectionState {
    return worst(this.#backends.map((b) => b.connectionState));
  }

  #heard(backend: Backend, event: ConnectionEvent): void {
    const { at: _at, ...unstamped } = event;
    if (event.type === 'endpoint-down' || event.type === 'endpoint-up') {
      this.events.emit(unstamped as Unstamped<ConnectionEvent>);
      return;
    }
    this.#last.set(backend, event);
    const state = this.state;
    const source = this.#backends.find((b) => b.connectionState === state && this.#last.get(b)?.type === state);
    const { at: _when, ...cause } = (source && this.#last.get(source)) ?? { type: state, at: 0 };
    this.events.transition(cause as Unstamped<ConnectionEvent> & { type: ConnectionState });
  }
}
