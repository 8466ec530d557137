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
export { Client, type ConnectOptions } from './client.js';
export { Config, DEFAULTS, type AuthOptions, type TLSOptions, type ResolvedTLS } from './config/index.js';
export type { CallOptions } from './core/call.js';
export type { EndpointStatus, Health, Member } from './admin/index.js';
export type { Comparison, CompareTarget, CompareOp } from './txn/compare.js';
export type { Value } from './codec/index.js';
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
} from './kv/index.js';
export {
  EtcdKitError,
  ConfigError,
  ValidationError,
  ValueTooLargeError,
  TxnTooLargeError,
  KeyNotFoundError,
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
  LeaseNotFoundError,
  ServerError,
  DecryptionError,
  ConflictError,
  CrossPartitionError,
  LockLostError,
  type ErrorCode,
  type EtcdKitErrorOptions,
} from './errors/index.js';

// ---- partitions ----
export { PartitionUnavailableError } from './errors/index.js';
export type { Partition } from './config/index.js';
export type {
  PartitionedWatch,
  PartitionedEvent,
  PartitionHealth,
  PartitionWatchOptions,
  EventSource,
  EventStream,
  SourceEvent,
} from './partition/index.js';
