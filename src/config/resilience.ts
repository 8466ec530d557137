import { ConfigError } from '../errors/index.js';
import { show } from './validate.js';
import { MAX_TIMER_MS } from './duration.js';

/** How calls are retried. See {@link Config.withRetry}. */
export interface RetryOptions {
  /** Attempts per call, the first included (1 = never retry). @default 6 */
  readonly maxAttempts: number;
  /** Backoff before the first retry, in ms; later delays grow exponentially, with jitter. @default 100 */
  readonly initialDelayMs: number;
  /** Longest backoff between two attempts, in ms. @default 2000 */
  readonly maxDelayMs: number;
}

/** The per-endpoint circuit breaker. See {@link Config.withCircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive connection-level failures of one endpoint that open its circuit. @default 3 */
  readonly threshold: number;
  /** How long an open circuit stays open before one call may test the endpoint again, in ms. @default 5000 */
  readonly halfOpenAfterMs: number;
}

/** The retry defaults (the `retry` setting's default and what a partial `withRetry` fills in). */
export const RETRY: RetryOptions = Object.freeze({ maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 2000 });

/** The circuit breaker defaults (the `circuitBreaker` setting's default). */
export const BREAKER: CircuitBreakerOptions = Object.freeze({ threshold: 3, halfOpenAfterMs: 5000 });

function whole(field: string, value: unknown, min: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const floor = min === 0 ? 'a non-negative' : min === 1 ? 'a positive' : `at least ${min}, a`;
    throw new ConfigError(field, `must be ${floor} whole number of ${unit}, got ${show(value)}`);
  }
  // Delays become single Node timers, which fire at once beyond 2^31 - 1 ms.
  if (unit === 'milliseconds' && value > MAX_TIMER_MS) {
    throw new ConfigError(field, `must be at most ${MAX_TIMER_MS} milliseconds (about 24.8 days), got ${show(value)}`);
  }
  return value;
}

function object(field: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object')
    throw new ConfigError(field, `must be an object, got ${show(value)}`);
  return value as Record<string, unknown>;
}

/** Checks retry options, filling what is missing from {@link RETRY}. */
export function resolveRetry(options: Partial<RetryOptions> | false): RetryOptions | false {
  if (options === false) return false;
  const o = object('retry', options);
  const maxAttempts = whole('retry.maxAttempts', o.maxAttempts ?? RETRY.maxAttempts, 1, 'attempts');
  const initialDelayMs = whole('retry.initialDelayMs', o.initialDelayMs ?? RETRY.initialDelayMs, 0, 'milliseconds');
  const maxDelayMs = whole('retry.maxDelayMs', o.maxDelayMs ?? RETRY.maxDelayMs, 0, 'milliseconds');
  if (maxDelayMs < initialDelayMs) {
    throw new ConfigError(
      'retry.maxDelayMs',
      `must not be below initialDelayMs (${initialDelayMs}), got ${maxDelayMs}`,
    );
  }
  return Object.freeze({ maxAttempts, initialDelayMs, maxDelayMs });
}

/** Checks circuit breaker options, filling what is missing from {@link BREAKER}. */
export function resolveBreaker(options: Partial<CircuitBreakerOptions>): CircuitBreakerOptions {
  const o = object('circuitBreaker', options);
  const threshold = whole('circuitBreaker.threshold', o.threshold ?? BREAKER.threshold, 1, 'failures');
  const halfOpenAfterMs = whole(
    'circuitBreaker.halfOpenAfterMs',
    o.halfOpenAfterMs ?? BREAKER.halfOpenAfterMs,
    1,
    'milliseconds',
  );
  return Object.freeze({ threshold, halfOpenAfterMs });
}
