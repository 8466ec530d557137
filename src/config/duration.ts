import { ValidationError } from '../errors/index.js';
import { show } from './show.js';

/**
 * The longest delay Node's `setTimeout` honours (2^31 - 1 ms, about 24.8
 * days); a longer one fires after 1 ms. Longer waits are made of several
 * timers (see `core/timer.ts`).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The longest timeout grpc-js can send: it writes the `grpc-timeout` header
 * with at most 8 digits per unit, hours being the largest unit, and throws
 * "Deadline is too far in the future" (asynchronously, out of the caller's
 * reach) beyond that (grpc-js deadline.ts, getDeadlineTimeoutString).
 * 99,999,999 hours is over 11,000 years: a longer timeout is the same wait.
 */
export const MAX_GRPC_TIMEOUT_MS = (1e8 - 1) * 3_600_000;

/**
 * What is wrong with `value` as a duration in milliseconds, or `undefined`
 * when it is one: a number, finite, above zero (and whole when `integer`).
 * The one check behind every duration etcdkit accepts, in a config or per call.
 */
export function durationProblem(value: unknown, integer = false): string | undefined {
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (ok) return undefined;
  return `must be a positive ${integer ? 'whole ' : ''}number of milliseconds, got ${show(value)}`;
}

/** `value` when it is a usable per-call duration; else a {@link ValidationError} naming `name`. */
export function checkDuration(name: string, value: unknown): number {
  const problem = durationProblem(value);
  if (problem !== undefined) throw new ValidationError(`${name} ${problem}`);
  return value as number;
}

/** The gRPC deadline (epoch ms) `timeoutMs` from now, within what grpc-js can send. */
export function grpcDeadline(timeoutMs: number): number {
  return Date.now() + Math.min(timeoutMs, MAX_GRPC_TIMEOUT_MS);
}
