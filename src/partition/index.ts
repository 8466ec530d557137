export { Router, type PartitionHealth, type PartitionWatchOptions } from './backend.js';
export { PartitionTable, type Segment } from './table.js';
export { PartitionedWatch, type EventSource, type EventStream, type SourceEvent, type WatchLeg, type PartitionedEvent } from '../watch/merged.js';
export { encodeToken, decodeToken, type Cursor, type RevisionVector } from '../watch/token.js';
export { partitionLabel, inPartition } from '../errors/partition-label.js';
export { samePartition, partitionBinder } from './same-partition.js';
export { spanOfSpec, type KeyedSpec, type KeyedOperation, type KeyedComparison } from './spec.js';
export { checkHome, remember, watchWhole, type LeaseHint } from './lease-home.js';
