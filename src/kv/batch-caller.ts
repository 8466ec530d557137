import type { CallOptions } from '../core/call.js';
import { checkCallOptions } from '../core/options.js';
import { CancelledError, EtcdKitError, type ErrorContext } from '../errors/index.js';
import type { Deadlines, Pending } from '../transport/index.js';

/**
 * What the read and the write batcher keep of one caller: its own signal and
 * its own deadline, both enforced from the call on, while it waits for a
 * batch and while its batch is in flight (retries included).
 */
export interface BatchCaller extends Pending {
  readonly ctx: ErrorContext;
  readonly signal: AbortSignal | undefined;
  /** When the caller's own timeout runs out (epoch ms), counted from its call. */
  readonly deadline: number;
  done: boolean;
  onAbort: (() => void) | undefined;
  /** Fails the caller with its timeout error: called by the batcher's {@link Deadlines}. */
  expire: () => void;
}

/** What {@link BatchCaller.expire} is until {@link arm} sets it. */
export function unarmed(): void {}

/**
 * Checks a caller's options before it joins a batch, so that its bad input
 * fails it alone (a NaN deadline would otherwise stall or fail its batch).
 * Returns the caller's deadline.
 * @throws {@link ValidationError} for a bad `timeoutMs` or `signal`.
 */
export function callerDeadline(options: CallOptions, defaultTimeoutMs: number): number {
  checkCallOptions(options);
  return Date.now() + (options.timeoutMs ?? defaultTimeoutMs);
}

/**
 * Arms a caller's signal and deadline: `give` is called with the error when
 * the caller aborts, or with `timedOut(p)` when its time runs out (followed by
 * the batcher's `deadlines`, one timer for all its callers, not one each).
 * False when its signal had already aborted (nothing armed; the caller must be refused).
 */
export function arm(
  p: BatchCaller,
  deadlines: Deadlines,
  give: (err: EtcdKitError) => void,
  timedOut: (p: BatchCaller) => EtcdKitError,
): boolean {
  if (p.signal) {
    if (p.signal.aborted) return false;
    p.onAbort = () => give(cancelled(p));
    p.signal.addEventListener('abort', p.onAbort, { once: true });
  }
  p.expire = () => give(timedOut(p));
  deadlines.add(p);
  return true;
}

/** Marks a caller settled and disarms its signal and deadline; false when it already was. */
export function disarm(p: BatchCaller, deadlines: Deadlines): boolean {
  if (p.done) return false;
  p.done = true;
  if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
  deadlines.delete(p);
  return true;
}

/** How errors name a caller: `get '/k'`, or the operation alone. */
export function where(ctx: ErrorContext): string {
  return ctx.key === undefined ? ctx.op : `${ctx.op} '${ctx.key}'`;
}

export function cancelled(p: BatchCaller): CancelledError {
  return new CancelledError(`${where(p.ctx)}: aborted`, { cause: p.signal?.reason });
}

/**
 * The batch's error as the caller's own: the same class, code and fields, its
 * message naming the caller's operation and key where it named the batch.
 */
export function asOwn(err: unknown, batch: ErrorContext, p: BatchCaller, size: number): unknown {
  const from = `${where(batch)}:`;
  if (!(err instanceof EtcdKitError) || !err.message.includes(from)) return err;
  const message = err.message.replaceAll(from, `${where(p.ctx)} (in a batch of ${size}):`);
  const copy = Object.create(Object.getPrototypeOf(err) as object, Object.getOwnPropertyDescriptors(err)) as Error;
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  const stack = typeof err.stack === 'string' ? err.stack.replace(err.message, message) : undefined;
  Object.defineProperty(copy, 'stack', { value: stack, writable: true, configurable: true });
  return copy;
}
