import type { Backend, Cluster } from '../backend/index.js';
import { CrossPartitionError, ValidationError } from '../errors/index.js';
import { byCluster, type PrefixOptions } from '../kv/index.js';

/**
 * The routing every operation shares, written once over the {@link Backend}
 * primitives: the same code serves one cluster (every answer is that
 * cluster) and a partitioned keyspace.
 */

/** The cluster when the backend has only one: what needs no routing runs there unchanged. */
export function soleCluster(backend: Backend): Cluster | undefined {
  return backend.clusters.size === 1 ? backend.clusters.values().next().value : undefined;
}

/** The cluster of `partition` (one the backend routed to, so it exists). */
export function clusterOf(backend: Backend, partition: string): Cluster {
  return backend.clusters.get(partition)!;
}

/**
 * Runs `fn` on the cluster owning `key`, naming its partition in what it throws.
 * Not `async`: a single read or write is the hot path, and the caller (an
 * `async` method of Client) turns a synchronous throw into a rejection.
 */
export function onKey<T>(
  backend: Backend,
  key: string,
  fn: (cluster: Cluster, partition: string) => Promise<T>,
): Promise<T> {
  const partition = backend.partitionOf(key);
  return backend.within(partition, () => fn(clusterOf(backend, partition), partition));
}

/**
 * Runs `fn` on the cluster of the one partition holding every key under `prefix` (what needs one cluster's revisions).
 * @throws {@link CrossPartitionError} when the prefix spans partitions.
 */
export function onPrefix<T>(
  backend: Backend,
  prefix: string,
  op: string,
  fn: (cluster: Cluster) => Promise<T>,
): Promise<T> {
  const partition = backend.assertSamePartition([], op, [prefix]);
  return backend.within(partition, () => fn(clusterOf(backend, partition)));
}

/**
 * The one cluster, for what needs one revision for the whole keyspace
 * (snapshot, revision, compaction): refused over partitions, each with its own.
 * @throws {@link CrossPartitionError} on a partitioned backend.
 */
export function theCluster(backend: Backend, op: string): Cluster {
  const sole = soleCluster(backend);
  if (sole) return sole;
  throw new CrossPartitionError(
    `${op} needs one cluster, but this client spans ${backend.clusters.size} partitions, each with its own revisions; ` +
      `call it on one partition: client.partition(prefix).${op}(…)`,
  );
}

/**
 * The backend of one partition (`''`: the default; a single cluster is its own).
 * @throws {@link ValidationError} when no partition has that prefix.
 */
export function partitionBackend(backend: Backend, prefix: string): Backend {
  const cluster = backend.clusters.get(prefix);
  if (soleCluster(backend)) {
    if (!cluster) throw new ValidationError(`no partition '${prefix}': this client has no partitions`);
    return backend;
  }
  if (!cluster) {
    const all = [...backend.clusters.keys()].map((p) => `'${p}'`).join(', ');
    throw new ValidationError(`no partition '${prefix}'; partitions: ${all}`);
  }
  return cluster;
}

/** One leg of a call over a prefix: a partition, the prefix narrowed to it, and its cluster. */
export interface Leg {
  readonly partition: string;
  readonly prefix: string;
  readonly cluster: Cluster;
}

/** The partitions holding keys under `prefix`, each with the prefix narrowed to it (one starts with the other). */
export function legsOf(backend: Backend, prefix: string, options: PrefixOptions = {}): Leg[] {
  const partitions = [...byCluster(backend.spanning(prefix, options).ranges).keys()];
  return partitions.map((p) => ({
    partition: p,
    prefix: p.length > prefix.length ? p : prefix,
    cluster: clusterOf(backend, p),
  }));
}
