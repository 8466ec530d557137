export { status, health, type EndpointStatus, type Health } from './status.js';
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
export { Maintenance, type Alarm, type AlarmKind, type DefragmentOptions, type HashKVOptions } from './maintenance.js';
export type { DefragmentResult, RollingDefragmentResult, DefragmentProgress, DefragmentAllOptions } from './defrag.js';
export type { HashKVResult, ConsistencyReport, UnreachableMember } from './hash.js';
export { ClusterAdmin, startAutoSync, type AddMemberOptions, type AddedMember } from './membership.js';
export {
  AuthAdmin,
  type AuthStatus,
  type PermissionTarget,
  type PermissionType,
  type RolePermission,
  type UserInfo,
  type RoleInfo,
} from './access.js';
