export { status, health, endpointClient, type EndpointStatus, type Health } from './status.js';
export { members, currentRevision, compact, type Member } from './cluster.js';
export {
  snapshot,
  snapshotTo,
  type SnapshotChunk,
  type SnapshotOptions,
  type SnapshotProgress,
  type SnapshotResult,
  type SnapshotToOptions,
} from './snapshot.js';
