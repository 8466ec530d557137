import { ConfigError } from '../errors/index.js';
import { configObject, configWhole } from './checks.js';
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

// Delays become single Node timers, which fire at once beyond 2^31 - 1 ms.
const DELAY = { min: 0, max: MAX_TIMER_MS, unit: 'milliseconds' } as const;

/** Checks retry options, filling what is missing from {@link RETRY}. */
export function resolveRetry(options: Partial<RetryOptions> | false): RetryOptions | false {
  if (options === false) return false;
  const o = configObject('retry', options);
  const maxAttempts = configWhole('retry.maxAttempts', o.maxAttempts ?? RETRY.maxAttempts, { unit: 'attempts' });
  const initialDelayMs = configWhole('retry.initialDelayMs', o.initialDelayMs ?? RETRY.initialDelayMs, DELAY);
  const maxDelayMs = configWhole('retry.maxDelayMs', o.maxDelayMs ?? RETRY.maxDelayMs, DELAY);
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
  const o = configObject('circuitBreaker', options);
  const threshold = configWhole('circuitBreaker.threshold', o.threshold ?? BREAKER.threshold, { unit: 'failures' });
  const halfOpenAfterMs = configWhole('circuitBreaker.halfOpenAfterMs', o.halfOpenAfterMs ?? BREAKER.halfOpenAfterMs, {
    ...DELAY,
    min: 1,
  });
  return Object.freeze({ threshold, halfOpenAfterMs });
}
