import { BREAKER_DEFAULTS, RETRY_DEFAULTS } from './resilience.js';

/** The values {@link Config.defaults} starts from. */
export const DEFAULTS = Object.freeze({
  /** @default ['http://localhost:2379'] */
  endpoints: Object.freeze(['http://localhost:2379']) as readonly string[],
  /** Per-request deadline in milliseconds. @default 5000 */
  timeoutMs: 5000,
  /** How long {@link Client.connect} waits for an endpoint to answer. @default 5000 */
  dialTimeoutMs: 5000,
  /** The server's `--max-txn-ops`. @default 128 */
  maxTxnOps: 128,
  /** The server's `--max-request-bytes`. @default 1572864 (1.5 MiB) */
  maxRequestBytes: 1.5 * 1024 * 1024,
  /** Key prefix applied to every key. @default '' */
  namespace: '',
  /** Retries: attempts (first included) and backoff bounds. @default { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 2000 } */
  retry: RETRY_DEFAULTS,
  /** Per-endpoint circuit breaker. @default { threshold: 3, halfOpenAfterMs: 5000 } */
  circuitBreaker: BREAKER_DEFAULTS,
});
