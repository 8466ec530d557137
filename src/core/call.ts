import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import { type Config, telemetryPartitionOf } from '../config/index.js';
import {
  AmbiguousWriteError,
  CancelledError,
  ClosedError,
  type EtcdKitError,
  mapError,
  type ErrorContext,
} from '../errors/index.js';
import { mayHaveApplied, neverSent, retryableRead } from '../resilience/classify.js';
import { ConnectionEvents } from '../resilience/events.js';
import { EndpointGuards } from '../resilience/circuits.js';
import { grpcDeadline } from '../config/duration.js';
import { checkCallOptions, checkSignal } from './options.js';
import { Instruments, type CallTrace } from '../telemetry/index.js';
import type { CallSpec } from '../transport/index.js';

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

/**
 * One attempt of a call: it sends its request with these options (the
 * deadline, whether a leader is required, endpoints to avoid) on
 * `core.rpc`, which records the endpoint it went to.
 */
export type Attempt<T> = (spec: CallSpec) => Promise<T>;

/** What one run learnt from its last failed attempt. */
interface Failure {
  raw: unknown;
  mapped: EtcdKitError;
  endpoint: string | undefined;
}

const NO_OPTIONS: RunOptions = Object.freeze({});
const CONNECTED = Object.freeze({ type: 'connected' as const });

/**
 * Runs calls to etcd: one deadline per attempt, cancellation, error mapping,
 * per-endpoint circuit breakers, and retries with exponential backoff and
 * jitter — of reads on transient failures, of writes only when the request
 * provably never reached a server. A write that may have been applied fails
 * with {@link AmbiguousWriteError} and is never repeated.
 *
 * A call whose first attempt succeeds costs one async frame here: its
 * deadline is grpc-js' own (no timer of ours per call), the breakers are asked with a field
 * read (see resilience/circuits.ts), nothing is allocated for telemetry
 * unless somebody listens, and the retry loop, the backoff and the ambiguity
 * check are entered only once an attempt has failed.
 */
export class Caller {
  readonly #timeoutMs: number;
  readonly #backoff: ExponentialBackoff<unknown> | undefined;
  readonly #maxAttempts: number;
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
    this.#maxAttempts = r === false ? 1 : r.maxAttempts;
    if (r !== false && r.maxAttempts > 1) {
      this.#backoff = new ExponentialBackoff({ initialDelay: r.initialDelayMs, maxDelay: r.maxDelayMs });
    }
    const telemetry = new Instruments({
      telemetry: config.telemetry,
      logger: config.logger,
      partition: telemetryPartitionOf(config),
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
  run<T>(
    kind: CallKind,
    ctx: ErrorContext,
    attempt: Attempt<T>,
    options: RunOptions<T> = NO_OPTIONS as RunOptions<T>,
  ): Promise<T> {
    if (options !== NO_OPTIONS) {
      try {
        checkCallOptions(options);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    // Undefined (and nothing allocated) unless a subscriber or a plugin follows calls.
    const observer = this.telemetry.startCall(kind, options.operation ?? ctx.op, ctx.key);
    if (!observer) return this.#run(kind, ctx, attempt, options, undefined);
    return observer.run(() => this.#run(kind, ctx, attempt, options, observer));
  }

  async #run<T>(
    kind: CallKind,
    ctx: ErrorContext,
    attempt: Attempt<T>,
    options: RunOptions<T>,
    observer: CallTrace | undefined,
  ): Promise<T> {
    const spec = this.#spec(options, undefined);
    let raw: unknown;
    try {
      this.#check(ctx, options.signal);
      observer?.attemptStarted(1);
      const result = await (options.signal ? abortable(attempt(spec), options.signal, ctx) : attempt(spec));
      observer?.attemptEnded(spec.endpoint, undefined);
      if (options.retry !== false) this.events.transition(CONNECTED);
      return result;
    } catch (err) {
      if (err instanceof ClosedError || err instanceof CancelledError) throw err;
      raw = err;
    }
    return this.#recover(kind, ctx, attempt, options, observer, this.#failure(raw, ctx, spec, observer));
  }

  /** After a failed first attempt: retries while the failure allows, then settles a write that may have applied. */
  async #recover<T>(
    kind: CallKind,
    ctx: ErrorContext,
    attempt: Attempt<T>,
    options: RunOptions<T>,
    observer: CallTrace | undefined,
    first: Failure,
  ): Promise<T> {
    let last = first;
    // Endpoints that failed earlier attempts are skipped while others remain.
    const failed = new Set<string>();
    let backoff: IBackoff<unknown> | undefined;
    for (let n = 2; n <= this.#maxAttempts && options.retry !== false && this.#backoff; n++) {
      if (!this.#retryable(kind, last)) break;
      this.events.transition({ type: 'reconnecting', error: last.mapped });
      backoff = backoff ? backoff.next(undefined) : this.#backoff.next();
      await pause(backoff.duration, options.signal, ctx);
      if (last.endpoint !== undefined) failed.add(last.endpoint);
      this.#retried(observer, kind, ctx, options, n, last);
      const spec = this.#spec(options, failed);
      try {
        this.#check(ctx, options.signal);
        observer?.attemptStarted(n);
        const result = await abortable(attempt(spec), options.signal, ctx);
        observer?.attemptEnded(spec.endpoint, undefined);
        this.events.transition(CONNECTED);
        return result;
      } catch (err) {
        if (err instanceof ClosedError || err instanceof CancelledError) throw err;
        last = this.#failure(err, ctx, spec, observer);
      }
    }
    if (kind === 'write') return this.#settleWrite(ctx, last, options);
    throw last.mapped;
  }

  #failure(raw: unknown, ctx: ErrorContext, spec: CallSpec, observer: CallTrace | undefined): Failure {
    const mapped = mapError(raw, ctx);
    observer?.attemptEnded(spec.endpoint, mapped);
    return { raw, mapped, endpoint: spec.endpoint };
  }

  // Which failures are retried: a read's transient ones; a write's only when nothing was sent.
  #retryable(kind: CallKind, last: Failure): boolean {
    return kind === 'read' ? retryableRead(last.mapped) : neverSent(last.raw);
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
      endpoint: last.endpoint,
      error: last.mapped,
    }));
  }

  #spec(options: RunOptions, avoid: ReadonlySet<string> | undefined): CallSpec {
    const deadline = grpcDeadline(options.timeoutMs ?? this.#timeoutMs);
    const leader = options.requireLeader !== false;
    return avoid === undefined ? { deadline, leader } : { deadline, leader, avoid };
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

/** Waits `ms` before a retry, or rejects with {@link CancelledError} as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined, ctx: ErrorContext): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelled(ctx, signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(ctx, signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
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
