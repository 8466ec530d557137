export type { Backend, LeaseHint, PartitionHealth, PartitionWatchOptions } from './backend.js';
export { ClusterBackend } from './cluster.js';
export { watchSource } from './watch-source.js';
