export { RETRY_DEFAULTS, BREAKER_DEFAULTS, type RetryOptions, type CircuitBreakerOptions } from './options.js';
export type { ConnectionEvent, ConnectionState, StateChangesOptions } from './events.js';
export type { CircuitStatus } from './guards.js';
