export type { Backend, LeaseHint, PartitionHealth, PartitionWatchOptions } from './backend.js';
export { ClusterBackend } from './cluster.js';
export { watchSource, watchWhole, type Watchable } from './watch-source.js';
