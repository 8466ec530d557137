export { Router } from './backend.js';
export { connectBackend } from './connect.js';
export { bulkDelete, bulkPut } from './bulk.js';
export { health, members, partitionHealth, status } from './clusters.js';
export { checkLeaseHome, lease, recipeCluster, session } from './leases.js';
export { reencryptIn } from './reencrypt.js';
export { clusterOf, onKey, onPrefix, partitionBackend, theCluster } from './route.js';
export { getMany } from './segments.js';
export { stmIn, txn } from './txn.js';
export { watchPartitioned, watchPrefix } from './watch.js';
export {
  PartitionedWatch,
  type PartitionedEvent,
} from '../watch/merged.js';
export type { LeaseHint, PartitionHealth, PartitionWatchOptions } from '../backend/index.js';
