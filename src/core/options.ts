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
 * Checks the options every blocking call takes (`timeoutMs`, `signal`)
 * before anything is sent.
 * @throws {@link ValidationError} for a bad value.
 */
export function checkCallOptions(
  options: { readonly timeoutMs?: unknown; readonly signal?: unknown } | undefined,
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object')
    throw new ValidationError(`options must be an object, got ${show(options)}`);
  if (options.timeoutMs !== undefined) checkDuration('timeoutMs', options.timeoutMs);
  checkSignal(options.signal);
}
