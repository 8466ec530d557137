export { Config, type AuthOptions, type Partition } from './config.js';
export { DEFAULTS } from './defaults.js';
export type { TLSOptions, ResolvedTLS } from './tls.js';
