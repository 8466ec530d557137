export { Router } from './backend.js';
export { connectBackend } from './connect.js';
// The merge's plumbing (EventSource, EventStream, SourceEvent) stays in watch/merged.ts: not public.
export { PartitionedWatch, type PartitionedEvent } from '../watch/merged.js';
export type { LeaseHint, PartitionHealth, PartitionWatchOptions } from '../backend/index.js';
