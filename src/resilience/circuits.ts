import { BrokenCircuitError } from 'cockatiel';
import { EndpointSkipped, endpointFailed } from './classify.js';
import type { CircuitBreakerOptions } from '../config/resilience.js';
import type { HostGuard } from '../transport/index.js';

/** The state of one endpoint's circuit breaker. */
export type CircuitStatus = 'closed' | 'open' | 'half-open';

/** Notified when an endpoint's circuit opens or closes. */
export interface GuardListener {
  down(endpoint: string, error: unknown): void;
  up(endpoint: string): void;
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * One endpoint's breaker: `threshold` consecutive failures that say the
 * endpoint is unusable open it; after `halfOpenAfterMs` one test call goes
 * through, and closes it on success or opens it again on failure. Errors the
 * server answered with leave it as it is. Its state is a field: a call on a
 * closed circuit costs a comparison, and a success one more.
 */
class Circuit {
  state: CircuitStatus = 'closed';
  #failures = 0;
  #openedAt = 0;

  constructor(
    readonly endpoint: string,
    private readonly options: CircuitBreakerOptions,
    private readonly listener: GuardListener,
  ) {}

  /** Open long enough for a test call: it becomes half-open and lets this one call through. */
  tryTest(): boolean {
    if (this.state !== 'open' || Date.now() - this.#openedAt < this.options.halfOpenAfterMs) return false;
    this.state = 'half-open';
    return true;
  }

  succeeded(): void {
    if (this.state === 'closed') {
      this.#failures = 0;
      return;
    }
    this.#close();
  }

  failed(error: unknown): void {
    if (!endpointFailed(error)) {
      if (this.state === 'half-open') this.#close(); // answered: the endpoint works
      return;
    }
    if (this.state === 'open') return;
    if (this.state === 'half-open' || ++this.#failures >= this.options.threshold) {
      this.state = 'open';
      this.#openedAt = Date.now();
      this.listener.down(this.endpoint, error);
    }
  }

  #close(): void {
    this.state = 'closed';
    this.#failures = 0;
    this.listener.up(this.endpoint);
  }
}

/**
 * One circuit breaker per endpoint. Unary calls ask `admit` before choosing
 * an endpoint and report with `settle` (transport/wire.ts); etcd3's pool
 * (streams) runs through `execute`. A guard that refuses makes the call try
 * the next endpoint, so an open circuit fails over at no cost; a failure that
 * went through is returned to the call layer, which decides whether to retry.
 */
export class EndpointGuards {
  readonly #circuits = new Map<string, Circuit>();
  readonly #options: CircuitBreakerOptions;
  readonly #listener: GuardListener;

  constructor(endpoints: readonly string[], options: CircuitBreakerOptions, listener: GuardListener) {
    this.#options = options;
    this.#listener = listener;
    for (const e of endpoints) this.add(e);
  }

  /** Starts guarding `endpoint` (learnt after connecting, e.g. from the member list); no-op when already guarded. */
  add(endpoint: string): void {
    if (!this.#circuits.has(endpoint))
      this.#circuits.set(endpoint, new Circuit(endpoint, this.#options, this.#listener));
  }

  /**
   * The guard of `endpoint`. An endpoint whose circuit is open is skipped
   * only while another endpoint's circuit is closed: with nowhere else to go
   * (one endpoint, or all of them failing) the call is sent anyway, and its
   * success closes the circuit at once, so a breaker never delays recovery.
   */
  policy(endpoint: string): HostGuard {
    const circuit = this.#circuits.get(endpoint);
    if (!circuit) throw new Error(`no guard for endpoint ${endpoint}`);
    const admit = (avoid: ReadonlySet<string> | undefined): Error | undefined => {
      if (avoid?.has(endpoint) && this.#closedOutside(avoid)) return new EndpointSkipped(endpoint);
      if (circuit.state === 'closed' || !this.#othersClosed(endpoint)) return undefined;
      // Half-open: its test call is out; the others go elsewhere rather than wait for it.
      return circuit.tryTest() ? undefined : new BrokenCircuitError();
    };
    const settle = (error: Error | undefined): void =>
      error === undefined ? circuit.succeeded() : circuit.failed(error);
    return {
      endpoint,
      admit,
      settle,
      execute: async <T>(fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T, signal?: AbortSignal) => {
        const refused = admit(undefined);
        if (refused) throw refused;
        let result: T;
        try {
          result = await fn({ signal: signal ?? NEVER_ABORTED });
        } catch (err) {
          settle(err instanceof Error ? err : new Error(String(err)));
          throw err;
        }
        settle(undefined);
        return result;
      },
    };
  }

  #closedOutside(avoid: ReadonlySet<string>): boolean {
    for (const [e, c] of this.#circuits) if (!avoid.has(e) && c.state === 'closed') return true;
    return false;
  }

  #othersClosed(endpoint: string): boolean {
    for (const [e, c] of this.#circuits) if (e !== endpoint && c.state === 'closed') return true;
    return false;
  }

  /** The circuit state of every endpoint. */
  states(): Map<string, CircuitStatus> {
    const out = new Map<string, CircuitStatus>();
    for (const [e, c] of this.#circuits) out.set(e, c.state);
    return out;
  }

  /** True when every endpoint's circuit is open. */
  allOpen(): boolean {
    for (const c of this.#circuits.values()) if (c.state !== 'open') return false;
    return true;
  }
}
