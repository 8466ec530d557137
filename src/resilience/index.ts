export {
  RETRY_DEFAULTS,
  BREAKER_DEFAULTS,
  type RetryOptions,
  type CircuitBreakerOptions,
} from '../config/resilience.js';
export type { ConnectionEvent, ConnectionState, StateChangesOptions } from './events.js';
export type { CircuitStatus } from './circuits.js';
