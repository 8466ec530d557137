export { Config, type AuthOptions } from './config.js';
export type { Partition } from './partition.js';
export { DEFAULTS } from './defaults.js';
export type { TLSOptions, ResolvedTLS } from './tls.js';
