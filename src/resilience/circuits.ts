import { AsyncLocalStorage } from 'node:async_hooks';
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { EndpointSkipped, endpointFailed } from './classify.js';
import type { CircuitBreakerOptions } from '../config/resilience.js';
import type { HostGuard } from '../transport/index.js';

/** The state of one endpoint's circuit breaker. */
export type CircuitStatus = 'closed' | 'open' | 'half-open';

/** What one attempt of a call learns about where it went. Shared through AsyncLocalStorage. */
export interface AttemptTrace {
  /** Endpoints not to use for this attempt (they failed earlier attempts of the call), while others remain. */
  readonly avoid?: ReadonlySet<string>;
  /** The endpoint the attempt was handed to (set when it was). */
  endpoint?: string;
}

/** Notified when an endpoint's circuit opens or closes. */
export interface GuardListener {
  down(endpoint: string, error: unknown): void;
  up(endpoint: string): void;
}

const traces = new AsyncLocalStorage<AttemptTrace>();

/** Runs `fn` (one attempt) with `trace` visible to the endpoint guards it passes through. */
export function traced<T>(trace: AttemptTrace, fn: () => Promise<T>): Promise<T> {
  return traces.run(trace, fn);
}

/**
 * One circuit breaker per endpoint, plugged into etcd3's per-host fault
 * handling. etcd3 tries hosts in a shuffled order and moves on to the next
 * host when a guard refuses without calling through, so an open circuit
 * fails over to the other endpoints at no cost; a failure that went through
 * is returned to our call layer, which decides whether to retry.
 */
export class EndpointGuards {
  readonly #breakers = new Map<string, CircuitBreakerPolicy>();
  readonly #options: CircuitBreakerOptions;
  readonly #listener: GuardListener;

  constructor(endpoints: readonly string[], options: CircuitBreakerOptions, listener: GuardListener) {
    this.#options = options;
    this.#listener = listener;
    for (const e of endpoints) this.#breakers.set(e, this.#breaker(e));
  }

  /**
   * The policy etcd3 runs each call to `endpoint` through. An endpoint whose
   * circuit is open is skipped only while another endpoint's circuit is
   * closed: with nowhere else to go (one endpoint, or all of them failing)
   * the call is sent anyway, and its success closes the circuit at once, so
   * a breaker never delays recovery.
   */
  /** Starts guarding `endpoint` (learnt after connecting, e.g. from the member list); no-op when already guarded. */
  add(endpoint: string): void {
    if (!this.#breakers.has(endpoint)) this.#breakers.set(endpoint, this.#breaker(endpoint));
  }

  policy(endpoint: string): HostGuard {
    if (!this.#breakers.has(endpoint)) throw new Error(`no guard for endpoint ${endpoint}`);
    // etcd3's connection pool only ever calls `execute` on a host policy.
    return {
      execute: <T>(fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T> => {
        const trace = traces.getStore();
        if (trace?.avoid?.has(endpoint) && this.#closedOutside(trace.avoid)) {
          return Promise.reject(new EndpointSkipped(endpoint));
        }
        const others = this.#othersClosed(endpoint);
        const breaker = this.#breakers.get(endpoint)!;
        const through = (ctx: { signal: AbortSignal }) => {
          if (trace) trace.endpoint = endpoint;
          return fn(ctx);
        };
        if (breaker.state === CircuitState.Closed) return breaker.execute(through, signal);
        if (!others) return this.#bypass(endpoint, through, signal);
        // A half-open circuit lets one test call through; cockatiel would make
        // the others wait for it, we send them elsewhere instead.
        if (breaker.state === CircuitState.HalfOpen) return Promise.reject(new BrokenCircuitError());
        return breaker.execute(through, signal); // open: refused, or the test call once halfOpenAfter passed
      },
    };
  }

  async #bypass<T>(
    endpoint: string,
    fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T,
    signal?: AbortSignal,
  ): Promise<T> {
    const result = await fn({ signal: signal ?? new AbortController().signal });
    const breaker = this.#breakers.get(endpoint)!;
    if (breaker.state !== CircuitState.Closed) {
      this.#breakers.set(endpoint, this.#breaker(endpoint));
      this.#listener.up(endpoint);
    }
    return result;
  }

  #closedOutside(avoid: ReadonlySet<string>): boolean {
    for (const [e, b] of this.#breakers) if (!avoid.has(e) && b.state === CircuitState.Closed) return true;
    return false;
  }

  #othersClosed(endpoint: string): boolean {
    for (const [e, b] of this.#breakers) if (e !== endpoint && b.state === CircuitState.Closed) return true;
    return false;
  }

  /** The circuit state of every endpoint. */
  states(): Map<string, CircuitStatus> {
    const out = new Map<string, CircuitStatus>();
    for (const [e, b] of this.#breakers) out.set(e, circuitStatus(b.state));
    return out;
  }

  /** True when every endpoint's circuit is open. */
  allOpen(): boolean {
    return [...this.#breakers.values()].every((b) => b.state === CircuitState.Open);
  }

  #breaker(endpoint: string): CircuitBreakerPolicy {
    const breaker = circuitBreaker(handleWhen(endpointFailed), {
      halfOpenAfter: this.#options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(this.#options.threshold),
    });
    // A replaced breaker (see #bypass) may still settle a test call: ignore it.
    const current = () => this.#breakers.get(endpoint) === breaker;
    breaker.onBreak(
      (reason) => current() && this.#listener.down(endpoint, 'error' in reason ? reason.error : undefined),
    );
    breaker.onReset(() => current() && this.#listener.up(endpoint));
    return breaker;
  }
}

function circuitStatus(state: CircuitState): CircuitStatus {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half-open';
  return 'open';
}
