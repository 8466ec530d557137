import { checkDuration } from '../config/duration.js';
import { ValidationError } from '../errors/index.js';
import { show } from '../config/show.js';

/** Refuses a `signal` option that is not an `AbortSignal` (it could never abort the call). */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new ValidationError(`signal must be an AbortSignal, got ${show(signal)}`);
  }
  return signal;
}

/**
 * Refuses `options` that are given but are not an object (`null`, a number,
 * an array): reading a field of them would fail with a raw TypeError.
 * @throws {@link ValidationError}
 */
export function checkOptions(options: unknown): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(`options must be an object, got ${show(options)}`);
  }
}

/**
 * Checks the options every blocking call takes (`timeoutMs`, `signal`)
 * before anything is sent.
 * @throws {@link ValidationError} for a bad value.
 */
export function checkCallOptions(
  options: { readonly timeoutMs?: unknown; readonly signal?: unknown } | undefined,
): void {
  if (options === undefined) return;
  checkOptions(options);
  if (options.timeoutMs !== undefined) checkDuration('timeoutMs', options.timeoutMs);
  checkSignal(options.signal);
}
