import { Instruments } from '../telemetry/index.js';
import type { Value } from '../codec/index.js';
import { type Config, withTelemetryFrom, withoutPartitions } from '../config/index.js';
import type { CallOptions } from '../core/call.js';
import type { Core } from '../core/core.js';
import type {
  AuthAdmin,
  ClusterAdmin,
  EndpointStatus,
  Maintenance,
  Health,
  Member,
  SnapshotChunk,
  SnapshotOptions,
  SnapshotResult,
  SnapshotToOptions,
} from '../admin/index.js';
import {
  ClusterBackend,
  watchSource,
  type Backend,
  type LeaseHint,
  type PartitionHealth,
  type PartitionWatchOptions,
} from '../backend/index.js';
import { stm, type StmOptions, type StmResult, type StmTx } from '../concurrency/stm.js';
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
import { ConnectionError, CrossPartitionError, ValidationError } from '../errors/index.js';
import { inPartitionOf, partitionLabel } from '../errors/partition-label.js';
import type * as kv from '../kv/index.js';
import type { ReencryptOptions, ReencryptResult } from '../kv/reencrypt.js';
import type { Lease } from '../lease/index.js';
import type { ConnectionEvent, ConnectionState, StateChangesOptions } from '../resilience/index.js';
import { TxnBuilder, type CasOptions } from '../txn/index.js';
import type { Mirror, MirrorOptions, PrefixWatchOptions, Watch, WatchEvent, WatchOptions } from '../watch/index.js';
import { PartitionedWatch, type EventSource, type SourceEvent, type WatchLeg } from '../watch/merged.js';
import * as bulk from './bulk.js';
import * as clusters from './clusters.js';
import { MergedConnection } from './connection.js';
import { checkHome, remember, withoutHint } from './lease-home.js';
import { reencryptAll } from './reencrypt.js';
import { partitionBinder, samePartition } from './same-partition.js';
import * as segments from './segments.js';
import { spanOfSpec, type KeyedSpec } from './spec.js';
import { PartitionTable } from './table.js';

/** One leg of a call over a prefix: a partition, the prefix narrowed to it, and its backend. */
interface Leg {
  readonly partition: string;
  readonly prefix: string;
  readonly backend: Backend;
}

/**
 * A partitioned keyspace: one single-cluster {@link Backend} per partition
 * plus the default, and every routing decision between them. Single-key
 * calls go to the owning partition; calls over a prefix or range fan out to
 * the partitions it spans; what needs one cluster (a transaction, a mirror,
 * a revision) is refused when it would span several.
 */
export class PartitionedBackend implements Backend, segments.Partitions {
  readonly table: PartitionTable;
  readonly config: Config;
  readonly #backends: ReadonlyMap<string, Backend>;
  readonly #connection: MergedConnection;
  #closing: Promise<void> | undefined;

  private constructor(config: Config, backends: ReadonlyMap<string, Backend>) {
    this.config = config;
    this.#backends = backends;
    this.table = new PartitionTable(config.partitions.map((p) => p.prefix));
    // The partitioned client's own listeners are reported like a single-cluster client's.
    const telemetry = new Instruments({
      telemetry: config.telemetry,
      logger: config.logger,
      partition: undefined,
      endpoints: config.endpoints,
    });
    this.#connection = new MergedConnection([...backends.values()], (err) =>
      telemetry.listenerError('client.onStateChange', err),
    );
  }

  /**
   * Connects to the default cluster and every partition's, in parallel
   * (each with `connect`, a {@link ClusterBackend} by default).
   * @throws {@link ConnectionError} naming the partition when one cannot be reached (the others are closed again).
   */
  static async connect(
    config: Config,
    connect: (config: Config) => Promise<Backend> = (c) => ClusterBackend.connect(c),
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
    const backends = new Map(specs.map((s, i) => [s.prefix, (settled[i] as PromiseFulfilledResult<Backend>).value]));
    return new PartitionedBackend(config, backends);
  }

  /** The default partition's internals. */
  get core(): Core {
    return this.backend('').core;
  }

  /** The backend of one partition (`''`: the default). */
  backend(partition: string): Backend {
    const backend = this.#backends.get(partition);
    if (!backend)
      throw new ValidationError(
        `no partition '${partition}'; partitions: ${[...this.#backends.keys()].map((p) => `'${p}'`).join(', ')}`,
      );
    return backend;
  }

  partition(prefix: string): Backend {
    return this.backend(prefix);
  }

  partitionOf(key: string): string {
    return this.table.partitionOf(key);
  }

  /**
   * The partition holding every key of `keys` and every key under each of
   * `prefixes`: where a transaction or STM block on them must run. Sends nothing.
   * @throws {@link CrossPartitionError} when they live in more than one partition.
   */
  assertSamePartition(keys: Iterable<string>, op?: string, prefixes?: Iterable<string>): string {
    return samePartition(this.table, keys, prefixes, op);
  }

  // ---- single key: the owning partition ----
  put(key: string, value: Value, options?: kv.PutOptions): Promise<kv.PutResult> {
    return this.#on(key, (b, p) => (checkHome(p, options?.lease, `key '${key}'`), b.put(key, value, options)));
  }
  get(key: string, options?: kv.ReadOptions): Promise<Buffer> {
    return this.#on(key, (b) => b.get(key, options));
  }
  find(key: string, options?: kv.ReadOptions): Promise<kv.KeyValue | undefined> {
    return this.#on(key, (b) => b.find(key, options));
  }
  exists(key: string, options?: kv.ReadOptions): Promise<boolean> {
    return this.#on(key, (b) => b.exists(key, options));
  }
  /** Keys grouped by partition, each group read by its cluster (in parallel); the revisions of every cluster read. */
  getMany(keys: Iterable<string>, options?: kv.GetManyOptions): Promise<kv.GetManyResult> {
    return segments.getMany(this, keys, options);
  }
  delete(key: string, options?: kv.DeleteOptions): Promise<kv.DeleteResult> {
    return this.#on(key, (b) => b.delete(key, options));
  }
  history(key: string, options?: kv.HistoryOptions): Promise<kv.KeyVersion[]> {
    return this.#on(key, (b) => b.history(key, options));
  }
  compareAndSwap(key: string, expected: Value | undefined, next: Value, options?: CasOptions): Promise<boolean> {
    return this.#on(key, (b) => b.compareAndSwap(key, expected, next, options));
  }
  putIfAbsent(key: string, value: Value, options?: CasOptions): Promise<boolean> {
    return this.#on(key, (b) => b.putIfAbsent(key, value, options));
  }
  watch(key: string, options?: WatchOptions): Promise<Watch> {
    return this.#on(key, (b) => b.watch(key, options));
  }

  // ---- many keys: fan out ----
  bulkPut(entries: kv.Entries, options?: kv.BulkPutOptions): Promise<kv.BulkResult> {
    return bulk.bulkPut(this, entries, options);
  }
  bulkDelete(keys: Iterable<string>, options?: kv.BulkOptions): Promise<kv.BulkResult> {
    return bulk.bulkDelete(this, keys, options);
  }
  list(prefix: string, options?: kv.ListOptions): Promise<string[]> {
    return segments.list(this, prefix, options);
  }
  listWithValues(prefix: string, options?: kv.ListOptions): Promise<Map<string, Buffer>> {
    return segments.listWithValues(this, prefix, options);
  }
  iterate(prefix: string, options?: kv.ListOptions): AsyncIterable<kv.KeyValue> {
    return segments.iterate(this, prefix, options);
  }
  getRange(start: string, end: string, options?: kv.ScanOptions): Promise<kv.KeyValue[]> {
    return segments.getRange(this, start, end, options);
  }
  count(prefix: string, options?: kv.PrefixOptions & CallOptions & kv.ConsistencyOptions): Promise<number> {
    return segments.count(this, prefix, options);
  }
  deletePrefix(prefix: string, options?: kv.DeletePrefixOptions): Promise<kv.DeletePrefixResult> {
    return segments.deletePrefix(this, prefix, options);
  }
  reencrypt(prefix: string, options?: ReencryptOptions): Promise<ReencryptResult> {
    return (async () => reencryptAll(this.#legsOf(prefix, options), options))();
  }

  // ---- transactions: one partition, known from the keys ----
  /** A transaction runs where its keys live: the builder asks at commit, before anything is sent. */
  txn(): TxnBuilder {
    return new TxnBuilder(this.core, undefined, (spec) => this.#forSpec(spec).core);
  }

  /** An STM block binds to the partition of the first key it touches; a key of another partition throws. */
  stm<T>(fn: (tx: StmTx) => Promise<T> | T, options?: StmOptions): Promise<StmResult<T>> {
    const bind = partitionBinder(this.table);
    return stm((key) => this.backend(bind(key)).core, fn, options);
  }

  /**
   * The backend of the one partition a transaction (given as plain data) touches.
   * @throws {@link CrossPartitionError} when its keys or prefixes span partitions; nothing is sent.
   */
  #forSpec(spec: KeyedSpec, op = 'a transaction'): Backend {
    const { keys, prefixes, leases } = spanOfSpec(spec);
    const partition = this.assertSamePartition(keys, op, prefixes);
    for (const { key, lease } of leases) checkHome(partition, lease as object, `key '${key}'`);
    return this.backend(partition);
  }

  // ---- watches over a prefix ----
  /** The owning partition's own watch when the prefix lies in one partition, else merged. */
  async watchPrefix(prefix: string, options: PrefixWatchOptions = {}): Promise<Watch | PartitionedWatch<WatchEvent>> {
    const legs = this.#legsOf(prefix, options);
    if (legs.length === 1)
      return inPartitionOf(legs[0]!.partition, () => legs[0]!.backend.watchPrefix(prefix, options));
    return this.watchPartitioned(prefix, options);
  }

  /** Always the merged watch (with a token), even within one partition. */
  async watchPartitioned(
    prefix: string,
    options: PrefixWatchOptions & PartitionWatchOptions = {},
  ): Promise<PartitionedWatch<WatchEvent>> {
    const { from, ...rest } = options;
    const sourceOf = watchSource(rest, this.#legsOf(prefix, options).length);
    return this.#watchMerged(prefix, sourceOf, {
      ...(from === undefined ? {} : { from }),
      ...(options.all ? { all: true } : {}),
    });
  }

  async #watchMerged<E extends SourceEvent>(
    prefix: string,
    sourceOf: (backend: Backend) => EventSource<E>,
    options: PartitionWatchOptions & kv.PrefixOptions,
  ): Promise<PartitionedWatch<E>> {
    const legs: WatchLeg<E>[] = this.#legsOf(prefix, options).map((l) => ({ ...l, source: sourceOf(l.backend) }));
    return PartitionedWatch.open(prefix, legs, (key) => this.table.partitionOf(key), options.from);
  }

  /** A mirror needs one cluster's revisions to relist and resume: refused over partitions. */
  mirror(prefix: string, options?: MirrorOptions): Promise<Mirror> {
    return this.#onPrefix(prefix, 'a mirror', (b) => b.mirror(prefix, options));
  }

  /** The partitions holding keys under `prefix`, each with the prefix narrowed to it (one starts with the other). */
  #legsOf(prefix: string, options: kv.PrefixOptions = {}): Leg[] {
    const partitions = [...new Set(segments.segmentsOf(this, prefix, options).map((s) => s.partition))];
    return partitions.map((p) => ({
      partition: p,
      prefix: p.length > prefix.length ? p : prefix,
      backend: this.backend(p),
    }));
  }

  // ---- leases and recipes ----
  /** Granted in the cluster of `partitionOf`'s partition (the default without it), and remembered there. */
  async lease(ttl: number, options?: CallOptions & LeaseHint): Promise<Lease> {
    const [hint, rest] = withoutHint(options);
    const p = hint === undefined ? '' : this.table.partitionOf(hint);
    return remember(p, await inPartitionOf(p, () => this.backend(p).lease(ttl, rest)));
  }

  async session(options?: SessionOptions & LeaseHint): Promise<Session> {
    const [hint, rest] = withoutHint(options);
    const p = hint === undefined ? '' : this.table.partitionOf(hint);
    return remember(p, await inPartitionOf(p, () => this.backend(p).session(rest)));
  }

  newLock(name: string, options?: LockOptions): Mutex {
    return this.#forName(name, 'lock', options?.session).newLock(name, options);
  }
  newRWLock(name: string, options?: RWLockOptions): RWMutex {
    return this.#forName(name, 'rwlock', options?.session).newRWLock(name, options);
  }
  election(name: string, options?: ElectionOptions): Election {
    return this.#forName(name, 'election', options?.session).election(name, options);
  }

  /**
   * The backend of the partition holding a recipe's keys (`name/…`), checking
   * that a given session lives there too. Synchronous, like the recipes' constructors.
   * @throws {@link CrossPartitionError} when `name/` spans partitions or the session is another partition's.
   */
  #forName(name: string, what: string, session?: object): Backend {
    if (typeof name !== 'string' || name === '') return this.backend(''); // which refuses the name
    const partition = this.assertSamePartition([], `${what} '${name}'`, [`${name}/`]);
    checkHome(partition, session, `${what} '${name}'`);
    return this.backend(partition);
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

  // ---- cluster: every partition's, gathered (partition/clusters.ts) ----
  status(options?: CallOptions): Promise<EndpointStatus[]> {
    return clusters.status(this.#backends, options);
  }
  partitionHealth(options?: CallOptions): Promise<PartitionHealth[]> {
    return clusters.partitionHealth(this.#backends, options);
  }
  health(options?: CallOptions): Promise<Health> {
    return clusters.health(this.#backends, options);
  }
  members(options?: CallOptions): Promise<Member[]> {
    return clusters.members(this.#backends, options);
  }
  /** Operations handles act on one cluster: the default partition's (`partition(p)` for another). */
  get maintenance(): Maintenance {
    return this.backend('').maintenance;
  }
  get cluster(): ClusterAdmin {
    return this.backend('').cluster;
  }
  get auth(): AuthAdmin {
    return this.backend('').auth;
  }

  // ---- what needs one revision for the whole keyspace: refused, each cluster has its own ----
  snapshot(_options?: SnapshotOptions): AsyncIterable<SnapshotChunk> {
    return this.#perClusterStream('snapshot');
  }
  snapshotTo(_destination: NodeJS.WritableStream, _options?: SnapshotToOptions): Promise<SnapshotResult> {
    return this.#perCluster('snapshotTo');
  }
  revision(_options?: CallOptions): Promise<number> {
    return this.#perCluster('revision');
  }
  compact(_revision: number, _options?: CallOptions & { physical?: boolean }): Promise<void> {
    return this.#perCluster('compact');
  }

  async #perCluster(op: string): Promise<never> {
    throw new CrossPartitionError(
      `${op} needs one cluster, but this client spans ${this.#backends.size} partitions, each with its own revisions; ` +
        `call it on one partition: client.partition(prefix).${op}(…)`,
    );
  }

  /** {@link PartitionedBackend.#perCluster} for a call that returns a stream: it fails on the first read. */
  async *#perClusterStream(op: string): AsyncGenerator<never> {
    await this.#perCluster(op);
    yield* [];
  }

  /** Closes every partition's backend. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#backends.values()].map((b) => b.close()));
    })();
    return this.#closing;
  }

  /** Runs `fn` on the backend of `key`'s partition, naming the partition in what it throws. */
  async #on<T>(key: string, fn: (backend: Backend, partition: string) => Promise<T>): Promise<T> {
    const partition = this.table.partitionOf(key);
    return inPartitionOf(partition, () => fn(this.backend(partition), partition));
  }

  /**
   * Runs `fn` on the backend of the one partition holding every key under `prefix`.
   * @throws {@link CrossPartitionError} when the prefix spans partitions.
   */
  async #onPrefix<T>(prefix: string, op: string, fn: (backend: Backend) => Promise<T>): Promise<T> {
    const partition = this.assertSamePartition([], op, [prefix]);
    return inPartitionOf(partition, () => fn(this.backend(partition)));
  }
}

/** The former name of {@link PartitionedBackend}, kept for code that imports it. */
export { PartitionedBackend as Router };
