import type { CallOptions as GrpcCallOptions } from '@grpc/grpc-js';
import { ExponentialBackoff, handleWhen, retry, type IPolicy } from 'cockatiel';
import type { Config } from '../config/index.js';
import { CancelledError, ClosedError, EtcdKitError, mapError, type ErrorContext } from '../errors/index.js';

/** Options every call that can block accepts. */
export interface CallOptions {
  /** Aborts the call; it then rejects with {@link CancelledError}. */
  signal?: AbortSignal;
  /** Overrides the configured per-request timeout for this call. */
  timeoutMs?: number;
}

/** {@link CallOptions} plus what internal callers may ask of the call layer. */
export interface RunOptions extends CallOptions {
  /** Set to false for a call that must be tried once only (e.g. a per-endpoint probe). */
  retry?: boolean;
}

/**
 * How a call may be retried. `read`: safe to repeat. `write`: repeating it
 * could apply it twice, so it is never repeated once it may have been sent.
 */
export type CallKind = 'read' | 'write';

/** The gRPC options handed to each attempt: its deadline. */
export type Attempt<T> = (grpc: GrpcCallOptions) => Promise<T>;

const transient = handleWhen((err) => err instanceof EtcdKitError && err.retryable);

/**
 * Runs calls to etcd: one deadline per attempt, cancellation, error mapping,
 * and retries of reads on transient failures.
 */
export class Caller {
  readonly #timeoutMs: number;
  readonly #readPolicy: IPolicy;
  #closed = false;

  constructor(config: Config) {
    this.#timeoutMs = config.timeoutMs;
    this.#readPolicy = retry(transient, {
      maxAttempts: 3,
      backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }),
    });
  }

  /** Refuses every later call with {@link ClosedError}. */
  close(): void {
    this.#closed = true;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `attempt` under the policy for `kind`, mapping any failure to an {@link EtcdKitError}. */
  run<T>(kind: CallKind, ctx: ErrorContext, attempt: Attempt<T>, options: RunOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const once = async () => {
      this.#check(ctx, options.signal);
      try {
        return await abortable(attempt({ deadline: Date.now() + timeoutMs }), options.signal, ctx);
      } catch (err) {
        throw mapError(err, ctx);
      }
    };
    if (kind === 'write' || options.retry === false) return once();
    return this.#readPolicy.execute(once, options.signal).catch((err: unknown) => {
      throw options.signal?.aborted ? cancelled(ctx, options.signal) : mapError(err, ctx);
    });
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
