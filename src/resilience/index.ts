export { RETRY_DEFAULTS, BREAKER_DEFAULTS } from '../config/defaults.js';
export type { RetryOptions, CircuitBreakerOptions } from '../config/resilience.js';
export type { ConnectionEvent, ConnectionState, StateChangesOptions } from './events.js';
export type { CircuitStatus } from './circuits.js';
