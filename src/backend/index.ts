export type { Backend, Cluster, LeaseHint, PartitionHealth, PartitionWatchOptions } from './backend.js';
export { ClusterBackend } from './cluster.js';
