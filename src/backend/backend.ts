import type { Value } from '../codec/index.js';
import type { Config } from '../config/index.js';
import type { CallOptions } from '../core/call.js';
import type { Core } from '../core/core.js';
import type {
  AuthAdmin,
  ClusterAdmin,
  EndpointStatus,
  Health,
  Maintenance,
  Member,
  SnapshotChunk,
  SnapshotOptions,
  SnapshotResult,
  SnapshotToOptions,
} from '../admin/index.js';
import type {
  Election,
  ElectionOptions,
  LockOptions,
  Mutex,
  RWLockOptions,
  RWMutex,
  Session,
  SessionOptions,
} from '../concurrency/index.js';
import type { StmOptions, StmResult, StmTx } from '../concurrency/stm.js';
import type * as kv from '../kv/index.js';
import type { ReencryptOptions, ReencryptResult } from '../kv/reencrypt.js';
import type { Lease } from '../lease/index.js';
import type { ConnectionEvent, ConnectionState, StateChangesOptions } from '../resilience/index.js';
import type { CasOptions, TxnBuilder } from '../txn/index.js';
import type { Mirror, MirrorOptions, PrefixWatchOptions, Watch, WatchEvent, WatchOptions } from '../watch/index.js';
import type { PartitionedWatch } from '../watch/merged.js';

/** Options of {@link Client.lease} and {@link Client.session} on where the lease lives. */
export interface LeaseHint {
  /**
   * A key the lease is for: the lease is granted in the cluster of that key's
   * partition. Without it, in the default partition's. Ignored on a client without partitions.
   */
  partitionOf?: string;
}

/** Health of one partition's cluster. */
export interface PartitionHealth {
  /** The partition's prefix; `''` for the default partition. */
  readonly partition: string;
  /** The partition cluster's endpoints. */
  readonly endpoints: readonly string[];
  /** Its health, as {@link Client.health} reports it for one cluster. */
  readonly health: Health;
}

/** Options of a watch over partitions. */
export interface PartitionWatchOptions {
  /** A resume token from {@link PartitionedWatch.token}: continue right after what it covers. */
  from?: string;
}

/**
 * The contract behind {@link Client}: every operation the client offers,
 * with the same names and meaning (the client's TSDoc is the reference for
 * each). Two implementations:
 * - `ClusterBackend` (`backend/cluster.ts`): one etcd cluster; it owns its
 *   {@link Core} and calls the feature modules (`kv/`, `txn/`, `watch/`…).
 * - `PartitionedBackend` (`partition/backend.ts`): one `ClusterBackend` per
 *   partition; it makes every routing decision and merges what spans clusters.
 *
 * Like Go's `namespace.NewKV(kv KV) KV`, a variant wraps the one interface, so
 * a new operation is added here, in both implementations, and as a one-line
 * delegation in `Client`. Internal: not part of the public API.
 */
export interface Backend {
  /** The configuration the backend was made with (with partitions, for a partitioned one). */
  readonly config: Config;
  /** The internals of the default cluster (tests and tools reach etcd3 through them). */
  readonly core: Core;

  // ---- key/value ----
  put(key: string, value: Value, options?: kv.PutOptions): Promise<kv.PutResult>;
  get(key: string, options?: kv.ReadOptions): Promise<Buffer>;
  find(key: string, options?: kv.ReadOptions): Promise<kv.KeyValue | undefined>;
  exists(key: string, options?: kv.ReadOptions): Promise<boolean>;
  getMany(keys: Iterable<string>, options?: kv.GetManyOptions): Promise<kv.GetManyResult>;
  /** Always the full result; the client gives the count alone unless `prevKV` was asked. */
  delete(key: string, options?: kv.DeleteOptions): Promise<kv.DeleteResult>;
  bulkPut(entries: kv.Entries, options?: kv.BulkPutOptions): Promise<kv.BulkResult>;
  bulkDelete(keys: Iterable<string>, options?: kv.BulkOptions): Promise<kv.BulkResult>;
  list(prefix: string, options?: kv.ListOptions): Promise<string[]>;
  listWithValues(prefix: string, options?: kv.ListOptions): Promise<Map<string, Buffer>>;
  iterate(prefix: string, options?: kv.ListOptions): AsyncIterable<kv.KeyValue>;
  getRange(start: string, end: string, options?: kv.ScanOptions): Promise<kv.KeyValue[]>;
  count(prefix: string, options?: kv.PrefixOptions & CallOptions & kv.ConsistencyOptions): Promise<number>;
  deletePrefix(prefix: string, options?: kv.DeletePrefixOptions): Promise<kv.DeletePrefixResult>;
  history(key: string, options?: kv.HistoryOptions): Promise<kv.KeyVersion[]>;
  reencrypt(prefix: string, options?: ReencryptOptions): Promise<ReencryptResult>;

  // ---- transactions ----
  compareAndSwap(key: string, expected: Value | undefined, next: Value, options?: CasOptions): Promise<boolean>;
  putIfAbsent(key: string, value: Value, options?: CasOptions): Promise<boolean>;
  txn(): TxnBuilder;
  stm<T>(fn: (tx: StmTx) => Promise<T> | T, options?: StmOptions): Promise<StmResult<T>>;

  // ---- watch ----
  watch(key: string, options?: WatchOptions): Promise<Watch>;
  watchPrefix(prefix: string, options?: PrefixWatchOptions): Promise<Watch | PartitionedWatch<WatchEvent>>;
  watchPartitioned(
    prefix: string,
    options?: PrefixWatchOptions & PartitionWatchOptions,
  ): Promise<PartitionedWatch<WatchEvent>>;
  mirror(prefix: string, options?: MirrorOptions): Promise<Mirror>;

  // ---- leases and locks ----
  lease(ttlSeconds: number, options?: CallOptions & LeaseHint): Promise<Lease>;
  session(options?: SessionOptions & LeaseHint): Promise<Session>;
  newLock(name: string, options?: LockOptions): Mutex;
  newRWLock(name: string, options?: RWLockOptions): RWMutex;
  election(name: string, options?: ElectionOptions): Election;

  // ---- connection ----
  readonly connectionState: ConnectionState;
  onStateChange(listener: (event: ConnectionEvent) => void): () => void;
  stateChanges(options?: StateChangesOptions): AsyncIterable<ConnectionEvent>;

  // ---- partitions ----
  partitionOf(key: string): string;
  /** The backend of one partition (`''`: the default; a cluster backend is its own default). */
  partition(prefix: string): Backend;
  partitionHealth(options?: CallOptions): Promise<PartitionHealth[]>;

  // ---- admin ----
  snapshot(options?: SnapshotOptions): AsyncIterable<SnapshotChunk>;
  snapshotTo(destination: NodeJS.WritableStream, options?: SnapshotToOptions): Promise<SnapshotResult>;
  revision(options?: CallOptions): Promise<number>;
  compact(revision: number, options?: CallOptions & { physical?: boolean }): Promise<void>;
  status(options?: CallOptions): Promise<EndpointStatus[]>;
  health(options?: CallOptions): Promise<Health>;
  members(options?: CallOptions): Promise<Member[]>;
  /** Maintenance of the (default) cluster. */
  readonly maintenance: Maintenance;
  /** Membership of the (default) cluster. */
  readonly cluster: ClusterAdmin;
  /** Access control of the (default) cluster. */
  readonly auth: AuthAdmin;

  /** Closes every handle, then the connection(s). Idempotent. */
  close(): Promise<void>;
}
