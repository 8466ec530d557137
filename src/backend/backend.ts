import type { Config } from '../config/index.js';
import type { Core } from '../core/core.js';
import type { AuthAdmin, ClusterAdmin, Health, Maintenance } from '../admin/index.js';
import type { PrefixOptions, Segments } from '../kv/index.js';
import type { ConnectionEvent, ConnectionState, StateChangesOptions } from '../resilience/index.js';

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
 * The contract behind {@link Client}: where a call goes, not what it does.
 * A backend answers routing questions (which cluster owns a key, which
 * clusters and ranges a prefix spans, which one partition a set of keys lies
 * in) and owns the connection(s); every operation is written once, in
 * `client.ts`, against these primitives and the feature modules (`kv/`,
 * `txn/`, `watch/`…), which work on one cluster's {@link Core}. Two
 * implementations:
 * - `ClusterBackend` (`backend/cluster.ts`): one etcd cluster, its own only
 *   partition (`''`); it owns its {@link Core} and the cluster's admin handles.
 * - `PartitionedBackend` (`partition/backend.ts`): one `ClusterBackend` per
 *   partition; it makes every routing decision from the partition table.
 *
 * Like Go's `namespace.NewKV(kv KV) KV`, a variant wraps the one small
 * interface: a new operation needs no change here. Internal: not part of the
 * public API. `backend.test.ts` keeps it at most 15 members.
 */
export interface Backend {
  /** The configuration the backend was made with (with partitions, for a partitioned one). */
  readonly config: Config;
  /** The internals of the default cluster (tests and tools reach etcd3 through them). */
  readonly core: Core;
  /** Every cluster by partition prefix, the default (`''`) first: one entry for a client of one cluster. */
  readonly clusters: ReadonlyMap<string, Cluster>;

  /**
   * The prefix of the partition owning `key`, `''` for the default (always, without partitions).
   * @throws {@link ValidationError} when `key` is not a string.
   */
  partitionOf(key: string): string;
  /**
   * The one partition holding every key of `keys` and every key under each of
   * `prefixes`, for what must run in one cluster. Sends nothing.
   * @throws {@link CrossPartitionError} when they live in more than one partition (`op` names the call).
   */
  assertSamePartition(keys: Iterable<string>, op?: string, prefixes?: Iterable<string>): string;
  /** Runs `fn`, the work of `partition`'s cluster, naming the partition in what it throws (nothing to name in one cluster). */
  within<T>(partition: string, fn: () => Promise<T>): Promise<T>;
  /**
   * The ranges holding the keys under `prefix`, each in its cluster, in key
   * order, for the segmented calls of `kv/` (list, count, deletePrefix…).
   * @throws {@link ValidationError} for a prefix that is not a string, the empty prefix without
   *   `all`, or a `revision` that would apply to several clusters.
   */
  spanning(prefix: string, options?: PrefixOptions & { revision?: number }): Segments;
  /** {@link Backend.spanning} for the keys in `[start, end)` (`end = ''`: to the end of the keyspace). */
  spanningRange(start: string, end: string, options?: { revision?: number }): Segments;

  /** The overall connection state (the worst of every cluster's). */
  readonly connectionState: ConnectionState;
  /** Subscribes to connection events (of every cluster); returns the unsubscribe function. */
  onStateChange(listener: (event: ConnectionEvent) => void): () => void;
  /** The same events as an async iterable with a bounded buffer. */
  stateChanges(options?: StateChangesOptions): AsyncIterable<ConnectionEvent>;
  /** Closes every handle, then the connection(s). Idempotent. */
  close(): Promise<void>;
}

/** One etcd cluster as a backend of its own, with its admin handles. */
export interface Cluster extends Backend {
  /** Maintenance of this cluster. */
  readonly maintenance: Maintenance;
  /** Membership of this cluster. */
  readonly cluster: ClusterAdmin;
  /** Access control of this cluster. */
  readonly auth: AuthAdmin;
}
