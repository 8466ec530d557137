import { Instruments } from '../telemetry/index.js';
import { type Config, withTelemetryFrom, withoutPartitions } from '../config/index.js';
import type { Core } from '../core/core.js';
import { ClusterBackend, type Backend, type Cluster } from '../backend/index.js';
import { ConnectionError } from '../errors/index.js';
import { inPartitionOf, partitionLabel } from '../errors/partition-label.js';
import type { PrefixOptions, Segments } from '../kv/index.js';
import type { ConnectionEvent, ConnectionState, StateChangesOptions } from '../resilience/index.js';
import { MergedConnection } from './connection.js';
import { samePartition } from './same-partition.js';
import { prefixSegments, rangeSegments } from './segments.js';
import { PartitionTable } from './table.js';

/**
 * A partitioned keyspace: one single-cluster backend per partition plus the
 * default, and the routing primitives over them, decided by the partition
 * table: a key goes to the partition owning it, a prefix or range to the
 * ranges of every partition it spans, errors name the partition that failed.
 * The operations themselves know nothing of this class (see {@link Backend}).
 */
export class PartitionedBackend implements Backend {
  readonly table: PartitionTable;
  readonly config: Config;
  readonly clusters: ReadonlyMap<string, Cluster>;
  readonly #connection: MergedConnection;
  #closing: Promise<void> | undefined;

  private constructor(config: Config, clusters: ReadonlyMap<string, Cluster>) {
    this.config = config;
    this.clusters = clusters;
    this.table = new PartitionTable(config.partitions.map((p) => p.prefix));
    // The partitioned client's own listeners are reported like a single-cluster client's.
    const telemetry = new Instruments({
      telemetry: config.telemetry,
      logger: config.logger,
      partition: undefined,
      endpoints: config.endpoints,
    });
    this.#connection = new MergedConnection([...clusters.values()], (err) =>
      telemetry.listenerError('client.onStateChange', err),
    );
  }

  /**
   * Connects to the default cluster and every partition's, in parallel
   * (each with `connect`, {@link ClusterBackend.connect} by default).
   * @throws {@link ConnectionError} naming the partition when one cannot be reached (the others are closed again).
   */
  static async connect(
    config: Config,
    connect: (config: Config) => Promise<Cluster> = (c) => ClusterBackend.connect(c),
  ): Promise<PartitionedBackend> {
    const specs = [{ prefix: '', config: withoutPartitions(config) }, ...config.partitions];
    const settled = await Promise.allSettled(specs.map((s) => connect(withTelemetryFrom(s.config, config, s.prefix))));
    const failed = settled.findIndex((s) => s.status === 'rejected');
    if (failed >= 0) {
      await Promise.allSettled(settled.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
      const err = (settled[failed] as PromiseRejectedResult).reason as unknown;
      const where = partitionLabel(specs[failed]!.prefix);
      if (err instanceof ConnectionError)
        throw new ConnectionError(`${where}: ${err.message}`, err.endpoints, { cause: err });
      throw err;
    }
    const clusters = new Map(specs.map((s, i) => [s.prefix, (settled[i] as PromiseFulfilledResult<Cluster>).value]));
    return new PartitionedBackend(config, clusters);
  }

  /** The default partition's internals. */
  get core(): Core {
    return this.clusters.get('')!.core;
  }

  // ---- routing ----
  partitionOf(key: string): string {
    return this.table.partitionOf(key);
  }
  assertSamePartition(keys: Iterable<string>, op?: string, prefixes?: Iterable<string>): string {
    return samePartition(this.table, keys, prefixes, op);
  }
  within<T>(partition: string, fn: () => Promise<T>): Promise<T> {
    return inPartitionOf(partition, fn);
  }
  spanning(prefix: string, options: PrefixOptions & { revision?: number } = {}): Segments {
    return prefixSegments(this, prefix, options);
  }
  spanningRange(start: string, end: string, options: { revision?: number } = {}): Segments {
    return rangeSegments(this, start, end, options);
  }

  // ---- connection: heard from every partition ----
  /** The worst connection state of any partition's cluster. */
  get connectionState(): ConnectionState {
    return this.#connection.state;
  }
  onStateChange(listener: (event: ConnectionEvent) => void): () => void {
    return this.#connection.events.subscribe(listener);
  }
  stateChanges(options?: StateChangesOptions): AsyncIterable<ConnectionEvent> {
    return this.#connection.events.iterate(options);
  }

  /** Closes every partition's cluster. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.clusters.values()].map((b) => b.close()));
    })();
    return this.#closing;
  }
}

/** The former name of {@link PartitionedBackend}, kept for code that imports it. */
export { PartitionedBackend as Router };
