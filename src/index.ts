/**
 * etcdkit: a high-level TypeScript SDK for etcd.
 *
 * @example
 * ```ts
 * import { Client, Config } from 'etcdkit';
 *
 * const client = await Client.connect(Config.fromEnv());
 * await client.put('/hello', 'world');
 * console.log(await client.getString('/hello'));
 * await client.close();
 * ```
 * @packageDocumentation
 */
// Values are only what users construct, call or read (Client.connect, Config, DEFAULTS, compare, op, the
// errors...). The handles the client makes (Lease, Session, Watch, Mirror, PartitionedWatch, the locks,
// Election, TxnBuilder and the admin handles) are exported as types: users get them from the client,
// never `new` them, and tell a merged watch from a plain one by its `token` ('token' in watch).
export { Client, type ConnectOptions } from './client.js';
export { Config, DEFAULTS, type AuthOptions, type TLSOptions, type ResolvedTLS } from './config/index.js';
export type { CallOptions } from './core/call.js';
export type { EndpointStatus, Health, Member } from './admin/index.js';
export type { Comparison, CompareTarget, CompareOp } from './txn/compare.js';
export type { Value } from './codec/index.js';
export type { InvalidKeyPolicy } from './keys/index.js';
export type {
  KeyValue,
  LeaseRef,
  ReadOptions,
  PutOptions,
  PutResult,
  Entries,
  BulkOptions,
  BulkPutOptions,
  BulkResult,
  ListOptions,
  PrefixOptions,
  ScanOptions,
  ConsistencyOptions,
  RangeOptions,
  SortOptions,
  SortTarget,
  DeleteOptions,
  DeleteResult,
  DeletePrefixOptions,
  DeletePrefixResult,
  GetManyOptions,
  GetManyResult,
} from './kv/index.js';
export type {
  ReadConsistency,
  ReadBatchingOptions,
  WriteBatchingOptions,
  ReadBatching,
  WriteBatching,
} from './config/index.js';
export {
  EtcdKitError,
  ConfigError,
  ValidationError,
  ValueTooLargeError,
  TxnTooLargeError,
  KeyNotFoundError,
  KeyEncodingError,
  CancelledError,
  ClosedError,
  ConnectionError,
  AuthError,
  PermissionDeniedError,
  UnavailableError,
  TimeoutError,
  AmbiguousWriteError,
  PartialWriteError,
  QuotaExceededError,
  CompactedError,
  ResponseTooLargeError,
  LeaseNotFoundError,
  ServerError,
  FutureRevisionError,
  RequestRefusedError,
  RoleNotFoundError,
  UserNotFoundError,
  DecryptionError,
  ConflictError,
  CrossPartitionError,
  LockLostError,
  type ErrorCode,
  type EtcdKitErrorOptions,
} from './errors/index.js';
export type {
  SnapshotChunk,
  SnapshotOptions,
  SnapshotProgress,
  SnapshotResult,
  SnapshotToOptions,
} from './admin/index.js';
export type { Maintenance, ClusterAdmin, AuthAdmin } from './admin/index.js';
export type {
  Alarm,
  AlarmKind,
  DefragmentOptions,
  DefragmentResult,
  RollingDefragmentResult,
  DefragmentProgress,
  DefragmentAllOptions,
  HashKVOptions,
  HashKVResult,
  ConsistencyReport,
  AddMemberOptions,
  AddedMember,
  AuthStatus,
  PermissionTarget,
  PermissionType,
  RolePermission,
  UserInfo,
  RoleInfo,
  UnreachableMember,
} from './admin/index.js';
export { compare, op } from './txn/index.js';
export type { TxnBuilder } from './txn/index.js';
export type {
  CompareOptions,
  Operation,
  PutOp,
  GetOp,
  DeleteOp,
  DeletePrefixOp,
  TxnOp,
  PutOpOptions,
  GetOpOptions,
  OperationResult,
  PutOpResult,
  GetOpResult,
  DeleteOpResult,
  TxnOpResult,
  ResultOf,
  ResultsOf,
  TxnResult,
  CasOptions,
} from './txn/index.js';
export type { Isolation, StmOptions, StmResult, StmTx } from './concurrency/stm.js';
export type {
  EncryptionKey,
  EncryptionOptions,
  EncryptionKeysOptions,
  EncryptionSettings,
  CompressionAlgorithm,
  CompressionOptions,
  CompressionSettings,
} from './config/index.js';
export type { ReencryptOptions, ReencryptResult } from './kv/reencrypt.js';
export type { Watch, Mirror } from './watch/index.js';
export type {
  WatchOptions,
  PrefixWatchOptions,
  DecryptionErrorPolicy,
  WatchEvent,
  PutEvent,
  DeleteEvent,
  WatchEventType,
  MirrorOptions,
  MirrorChange,
  MirrorResync,
} from './watch/index.js';
export type { KeyVersion, HistoryOptions } from './kv/index.js';
export type { Lease, LeaseState, LeaseTimeToLive, TimeToLiveOptions, LossListener } from './lease/index.js';
export type { Session, LockHandle, Mutex, RWMutex, Election } from './concurrency/index.js';
export {
  DEFAULT_SESSION_TTL,
  type SessionOptions,
  type SessionChoice,
  type LockOptions,
  type RWLockOptions,
  type ElectionOptions,
  type WaitOptions,
} from './concurrency/index.js';
export {
  RETRY_DEFAULTS,
  BREAKER_DEFAULTS,
  type RetryOptions,
  type CircuitBreakerOptions,
  type ConnectionEvent,
  type ConnectionState,
  type StateChangesOptions,
  type CircuitStatus,
} from './resilience/index.js';

// ---- partitions ----
export { PartitionUnavailableError } from './errors/index.js';
export type { Partition } from './config/index.js';
export type {
  PartitionedWatch,
  LeaseHint,
  PartitionedEvent,
  PartitionHealth,
  PartitionWatchOptions,
} from './partition/index.js';

// ---- Kubernetes values ----
export { decodeKubernetesValue } from './kubernetes/index.js';
export type {
  KubernetesValue,
  KubernetesProtobufValue,
  KubernetesJsonValue,
  KubernetesEncryptedValue,
  KubernetesEncryptionProvider,
  KubernetesTextValue,
  KubernetesBinaryValue,
  KubernetesDecodeStop,
  KubernetesObjectMeta,
  KubernetesOwnerReference,
  ProtoField,
  ProtoNumberField,
  ProtoBytesField,
} from './kubernetes/index.js';

// ---- telemetry ----
export type {
  Telemetry,
  CallContext,
  CallObserver,
  TelemetryEvent,
  RetryInfo,
  CircuitInfo,
  WatchInfo,
  LeaseInfo,
  LockInfo,
  ListenerErrorInfo,
  Logger,
} from './telemetry/index.js';
