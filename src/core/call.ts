import type { CallOptions as GrpcCallOptions, Interceptor } from '@grpc/grpc-js';
import { ExponentialBackoff, handleWhen, retry, type IPolicy } from 'cockatiel';
import type { Config } from '../config/index.js';
import {
  AmbiguousWriteError,
  CancelledError,
  ClosedError,
  EtcdKitError,
  mapError,
  type ErrorContext,
} from '../errors/index.js';
import { mayHaveApplied, neverSent, retryableRead } from '../resilience/classify.js';
import { ConnectionEvents } from '../resilience/events.js';
import { EndpointGuards, traced, type AttemptTrace } from '../resilience/circuits.js';
import { grpcDeadline } from '../config/duration.js';
import { checkCallOptions, checkSignal } from './options.js';
import { Instruments, type CallTrace } from '../telemetry/index.js';
import { requireLeader } from '../transport/index.js';

/** Options every call that can block accepts. */
export interface CallOptions {
  /** Aborts the call; it then rejects with {@link CancelledError}. */
  signal?: AbortSignal;
  /**
   * Overrides the configured per-request timeout for this call (each attempt
   * gets this long), in milliseconds: a finite number above zero.
   */
  timeoutMs?: number;
}

/** {@link CallOptions} plus what internal callers may ask of the call layer. */
export interface RunOptions<T = unknown> extends CallOptions {
  /** Set to false for a call that must be tried once only (e.g. a per-endpoint probe). */
  retry?: boolean;
  /**
   * Ask etcd to refuse the call when the member has no leader (etcd's
   * `hasleader` metadata): the refusal comes before the request reaches raft,
   * so the call can go to another member, writes included. Set to false for
   * calls a leaderless member should still answer (status). @default true
   */
  requireLeader?: boolean;
  /**
   * For a write only: called when the write may or may not have been applied
   * (it reached a server and its reply was lost). Re-read what the write
   * guards and return the definite result, or `undefined` to leave it
   * ambiguous ({@link AmbiguousWriteError}). If it throws, the call rejects
   * with the {@link AmbiguousWriteError}.
   *
   * Safe recipes: a compare-and-swap on `mod_revision == r` writing a value
   * that identifies the writer (a token, a lease): the key shows that value →
   * applied; the key's mod revision moved past `r` without it → definitely
   * not applied (the compare can never hold again); still at `r` → unknown
   * (the lost request may still commit: resending the identical CAS is safe,
   * as at most one of the two can apply). A lock key created only if absent
   * and holding the session's lease: it exists with that lease → acquired.
   */
  resolveAmbiguous?: (error: AmbiguousWriteError) => Promise<T | undefined>;
  /** The operation's name for telemetry when it differs from the error context's (e.g. `'lock.acquire'`). */
  operation?: string;
}

/**
 * How a call may be retried. `read`: safe to repeat. `write`: repeating it
 * could apply it twice, so it is never repeated once it may have been sent.
 */
export type CallKind = 'read' | 'write';

/** The gRPC options handed to each attempt: its deadline. */
export type Attempt<T> = (grpc: GrpcCallOptions) => Promise<T>;

// One array for every call: grpc-js only reads it, and a fresh one per call is garbage on the hot path.
const LEADER_REQUIRED: Interceptor[] = [requireLeader];

/** What one run learnt from its last failed attempt. */
interface Failure {
  raw: unknown;
  mapped: EtcdKitError;
  trace: AttemptTrace;
}

/**
 * Runs calls to etcd: one deadline per attempt, cancellation, error mapping,
 * per-endpoint circuit breakers, and retries with exponential backoff and
 * jitter — of reads on transient failures, of writes only when the request
 * provably never reached a server. A write that may have been applied fails
 * with {@link AmbiguousWriteError} and is never repeated.
 */
export class Caller {
  readonly #timeoutMs: number;
  readonly #policies: Readonly<Record<CallKind, IPolicy>> | undefined;
  readonly #multiEndpoint: boolean;
  /** The raw error behind each mapped error of a failed attempt, for the retry decision. */
  readonly #raw = new WeakMap<EtcdKitError, unknown>();
  /** Connection state and its listeners. */
  readonly events: ConnectionEvents;
  /** The per-endpoint circuit breakers of the main connection. */
  readonly guards: EndpointGuards;
  /** Telemetry: diagnostics_channel, the plugin, the logger. */
  readonly telemetry: Instruments;
  #closed = false;

  constructor(config: Config) {
    this.#timeoutMs = config.timeoutMs;
    const r = config.retry;
    if (r !== false && r.maxAttempts > 1) {
      const backoff = new ExponentialBackoff({ initialDelay: r.initialDelayMs, maxDelay: r.maxDelayMs });
      this.#policies = {
        read: this.#makePolicy('read', backoff, r.maxAttempts),
        write: this.#makePolicy('write', backoff, r.maxAttempts),
      };
    }
    this.#multiEndpoint = config.endpoints.length > 1;
    const telemetry = new Instruments({
      telemetry: config.telemetry,
      logger: config.logger,
      partition: config.telemetryPartition,
      endpoints: config.endpoints,
    });
    this.telemetry = telemetry;
    this.events = new ConnectionEvents((err) => telemetry.listenerError('client.onStateChange', err));
    if (config.logger) this.events.subscribe((e) => telemetry.connection(e.type, 'error' in e ? e.error : undefined));
    this.guards = new EndpointGuards(config.endpoints, config.circuitBreaker, {
      down: (endpoint, error) => {
        const mapped = error ? mapError(error, { op: 'call' }) : undefined;
        telemetry.circuit(endpoint, 'open', mapped);
        this.events.emit({ type: 'endpoint-down', endpoint, ...(mapped ? { error: mapped } : {}) });
        if (this.guards.allOpen()) this.events.transition({ type: 'disconnected' });
      },
      up: (endpoint) => {
        telemetry.circuit(endpoint, 'closed');
        this.events.emit({ type: 'endpoint-up', endpoint });
      },
    });
  }

  /** Refuses every later call with {@link ClosedError}. */
  close(): void {
    this.#closed = true;
    this.events.transition({ type: 'closed' });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `attempt` under the policy for `kind`, mapping any failure to an {@link EtcdKitError}. */
  run<T>(kind: CallKind, ctx: ErrorContext, attempt: Attempt<T>, options: RunOptions<T> = {}): Promise<T> {
    try {
      checkCallOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    // Undefined (and nothing allocated) unless a subscriber or a plugin follows calls.
    const observer = this.telemetry.startCall(kind, options.operation ?? ctx.op, ctx.key);
    if (!observer) return this.#run(kind, ctx, attempt, options, undefined);
    return observer.run(() => this.#run(kind, ctx, attempt, options, observer));
  }

  #run<T>(
    kind: CallKind,
    ctx: ErrorContext,
    attempt: Attempt<T>,
    options: RunOptions<T>,
    observer: CallTrace | undefined,
  ): Promise<T> {
    const observed = options.retry !== false;
    let last: Failure | undefined;
    let attempts = 0;
    // Endpoints that failed earlier attempts are skipped while others remain.
    const failed = new Set<string>();
    const once = async (): Promise<T> => {
      if (last?.trace.endpoint) failed.add(last.trace.endpoint);
      if (last && attempts > 0) this.#retried(observer, kind, ctx, options, attempts + 1, last);
      observer?.attemptStarted(++attempts);
      last = undefined;
      this.#check(ctx, options.signal);
      const trace: AttemptTrace = { avoid: failed };
      try {
        const send = () => attempt(this.#grpcOptions(options));
        // The trace (AsyncLocalStorage) only matters when there is another endpoint to
        // fail over to; on Node 20 entering it turns on promise hooks for the whole process.
        const result = await abortable(this.#multiEndpoint ? traced(trace, send) : send(), options.signal, ctx);
        observer?.attemptEnded(trace.endpoint, undefined);
        if (observed) this.events.transition({ type: 'connected' });
        return result;
      } catch (raw) {
        if (options.signal?.aborted) throw cancelled(ctx, options.signal);
        last = { raw, mapped: mapError(raw, ctx), trace };
        this.#raw.set(last.mapped, raw);
        observer?.attemptEnded(trace.endpoint, last.mapped);
        throw last.mapped;
      }
    };
    const policy = options.retry === false ? undefined : this.#policies?.[kind];
    const run = policy ? policy.execute(once, options.signal) : once();
    return run.catch((err: unknown) => {
      if (options.signal?.aborted) throw cancelled(ctx, options.signal);
      if (kind === 'write' && last && err === last.mapped) return this.#settleWrite(ctx, last, options);
      throw mapError(err, ctx);
    });
  }

  #retried(
    observer: CallTrace | undefined,
    kind: CallKind,
    ctx: ErrorContext,
    options: RunOptions,
    attempt: number,
    last: Failure,
  ): void {
    const operation = options.operation ?? ctx.op;
    this.telemetry.retry(observer, () => ({
      operation,
      kind,
      attempt,
      endpoint: last.trace.endpoint,
      error: last.mapped,
    }));
  }

  #grpcOptions(options: Pick<RunOptions, 'timeoutMs' | 'requireLeader'>): GrpcCallOptions {
    const deadline = grpcDeadline(options.timeoutMs ?? this.#timeoutMs);
    return options.requireLeader === false ? { deadline } : { deadline, interceptors: LEADER_REQUIRED };
  }

  // Which failures are retried: a read's transient ones; a write's only when
  // nothing was sent. Each retry is announced as `reconnecting`. Built once
  // per kind; the raw error behind each mapped one is looked up in `#raw`.
  #makePolicy(kind: CallKind, backoff: ExponentialBackoff<unknown>, maxAttempts: number): IPolicy {
    const shouldRetry = (err: Error): boolean => {
      if (!(err instanceof EtcdKitError) || !this.#raw.has(err)) return false;
      const again = kind === 'read' ? retryableRead(err) : neverSent(this.#raw.get(err));
      if (again) this.events.transition({ type: 'reconnecting', error: err });
      return again;
    };
    return retry(handleWhen(shouldRetry), { maxAttempts: maxAttempts - 1, backoff });
  }

  async #settleWrite<T>(ctx: ErrorContext, last: Failure, options: RunOptions<T>): Promise<T> {
    if (neverSent(last.raw) || !mayHaveApplied(last.mapped)) throw last.mapped;
    const where = ctx.key === undefined ? ctx.op : `${ctx.op} '${ctx.key}'`;
    const ambiguous = new AmbiguousWriteError(
      `${where}: the request may have been applied (${last.mapped.message}); read the key to find out`,
      { cause: last.mapped },
    );
    if (!options.resolveAmbiguous) throw ambiguous;
    let resolved: T | undefined;
    try {
      resolved = await options.resolveAmbiguous(ambiguous);
    } catch {
      throw ambiguous;
    }
    if (resolved === undefined) throw ambiguous;
    return resolved;
  }

  #check(ctx: ErrorContext, signal: AbortSignal | undefined): void {
    if (this.#closed) throw new ClosedError(`${ctx.op}: the client is closed`);
    if (signal?.aborted) throw cancelled(ctx, signal);
  }
}

function cancelled(ctx: ErrorContext, signal: AbortSignal): CancelledError {
  return new CancelledError(`${ctx.op}: aborted`, { cause: signal.reason });
}

/** Settles with `promise`, or rejects with {@link CancelledError} as soon as `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, ctx: ErrorContext): Promise<T> {
  try {
    checkSignal(signal);
  } catch (err) {
    promise.catch(() => undefined);
    return Promise.reject(err);
  }
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(ctx, signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
