export { Router } from './backend.js';
export { connectBackend } from './connect.js';
export {
  PartitionedWatch,
  type EventSource,
  type EventStream,
  type SourceEvent,
  type PartitionedEvent,
} from '../watch/merged.js';
export type { LeaseHint, PartitionHealth, PartitionWatchOptions } from '../backend/index.js';
