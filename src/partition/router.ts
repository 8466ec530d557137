import type { Client } from '../client.js';
import type { Value } from '../codec/index.js';
import type { Config } from '../config/index.js';
import type { CallOptions } from '../core/call.js';
import type { Core } from '../core/core.js';
import type { EndpointStatus, Health, Member } from '../admin/index.js';
import { ConnectionError, CrossPartitionError, ValidationError } from '../errors/index.js';
import type * as kv from '../kv/index.js';
import * as bulk from './bulk.js';
import * as fanout from './fanout.js';
import { PartitionTable } from './table.js';
import { PartitionedWatch, type EventSource, type SourceEvent, type WatchLeg } from './watch.js';
import { partitionBinder, samePartition } from './guard.js';
import { spanOfSpec, type KeyedSpec } from './spec.js';
import { inPartitionOf, partitionLabel } from './wrap.js';
import { checkHome, remember, reencryptAll, watchSource, withoutHint, worst, type LeaseHint } from './routed.js';
import type { Lease } from '../lease/index.js';
import type { Session, SessionOptions } from '../concurrency/index.js';
import type { Mirror, MirrorOptions, PrefixWatchOptions, Watch, WatchEvent } from '../watch/index.js';
import type { ReencryptOptions, ReencryptResult } from '../codec/reencrypt.js';
import type { ConnectionState } from '../resilience/index.js';

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
 * A partitioned keyspace: one client per partition plus the default, and
 * the routing between them. Single-key calls go to the owning partition;
 * calls over a prefix or range fan out to the partitions it spans.
 */
export class Router implements fanout.Partitions {
  readonly table: PartitionTable;
  readonly #config: Config;
  readonly #clients: ReadonlyMap<string, Client>;

  private constructor(config: Config, clients: ReadonlyMap<string, Client>) {
    this.#config = config;
    this.#clients = clients;
    this.table = new PartitionTable(config.partitions.map((p) => p.prefix));
  }

  /**
   * Connects to the default cluster and every partition's, in parallel.
   * @throws {@link ConnectionError} naming the partition when one cannot be reached (the others are closed again).
   */
  static async connect(config: Config, connect: (config: Config) => Promise<Client>): Promise<Router> {
    const specs = [{ prefix: '', config: config.withoutPartitions() }, ...config.partitions];
    const settled = await Promise.allSettled(specs.map((s) => connect(s.config.withTelemetryFrom(config, s.prefix))));
    const failed = settled.findIndex((s) => s.status === 'rejected');
    if (failed >= 0) {
      await Promise.allSettled(settled.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
      const err = (settled[failed] as PromiseRejectedResult).reason as unknown;
      const where = partitionLabel(specs[failed]!.prefix);
      if (err instanceof ConnectionError) throw new ConnectionError(`${where}: ${err.message}`, err.endpoints, { cause: err });
      throw err;
    }
    const clients = new Map(specs.map((s, i) => [s.prefix, (settled[i] as PromiseFulfilledResult<Client>).value]));
    return new Router(config, clients);
  }

  /** The internals of the facade client: the default partition's, with the whole configuration. */
  get core(): Core {
    return { ...this.client('').core, config: this.#config };
  }

  /** The client of one partition (`''`: the default). */
  client(partition: string): Client {
    const client = this.#clients.get(partition);
    if (!client) throw new ValidationError(`no partition '${partition}'; partitions: ${[...this.#clients.keys()].map((p) => `'${p}'`).join(', ')}`);
    return client;
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

  /**
   * The client of the one partition holding every key of `keys`: where a
   * transaction or STM block on those keys must run.
   * @throws {@link CrossPartitionError} when the keys live in more than one partition.
   */
  clientFor(keys: Iterable<string>, op?: string, prefixes?: Iterable<string>): Client {
    return this.client(this.assertSamePartition(keys, op, prefixes));
  }

  /**
   * The client of the one partition a transaction (given as plain data) touches.
   * @throws {@link CrossPartitionError} when its keys or prefixes span partitions; nothing is sent.
   */
  clientForSpec(spec: KeyedSpec, op = 'a transaction'): Client {
    const { keys, prefixes, leases } = spanOfSpec(spec);
    const partition = this.assertSamePartition(keys, op, prefixes);
    for (const { key, lease } of leases) checkHome(partition, lease as object, `key '${key}'`);
    return this.client(partition);
  }

  /**
   * For an STM block: a function giving the client of a key's partition,
   * bound to the partition of the first key it is asked about.
   * @throws {@link CrossPartitionError} (from the returned function) for a key of another partition.
   */
  binder(op?: string): (key: string) => Client {
    const bind = partitionBinder(this.table, op);
    return (key) => this.client(bind(key));
  }

  // ---- single key: the owning partition ----
  put(key: string, value: Value, options?: kv.PutOptions): Promise<kv.PutResult> {
    return this.on(key, (c, p) => (checkHome(p, options?.lease, `key '${key}'`), c.put(key, value, options)));
  }
  get(key: string, options?: kv.ReadOptions): Promise<Buffer> {
    return this.on(key, (c) => c.get(key, options));
  }
  find(key: string, options?: kv.ReadOptions): Promise<kv.KeyValue | undefined> {
    return this.on(key, (c) => c.find(key, options));
  }
  exists(key: string, options?: CallOptions): Promise<boolean> {
    return this.on(key, (c) => c.exists(key, options));
  }
  delete(key: string, options?: CallOptions): Promise<number> {
    return this.on(key, (c) => c.delete(key, options));
  }

  // ---- many keys: fan out ----
  bulkPut(entries: kv.Entries, options?: kv.BulkPutOptions): Promise<kv.BulkResult> {
    return bulk.bulkPut(this, entries, options);
  }
  bulkDelete(keys: Iterable<string>, options?: kv.BulkOptions): Promise<kv.BulkResult> {
    return bulk.bulkDelete(this, keys, options);
  }
  list(prefix: string, options?: kv.ListOptions): Promise<string[]> {
    return fanout.list(this, prefix, options);
  }
  listWithValues(prefix: string, options?: kv.ListOptions): Promise<Map<string, Buffer>> {
    return fanout.listWithValues(this, prefix, options);
  }
  iterate(prefix: string, options?: kv.ListOptions): AsyncIterable<kv.KeyValue> {
    return fanout.iterate(this, prefix, options);
  }
  getRange(start: string, end: string, options?: kv.ScanOptions): Promise<kv.KeyValue[]> {
    return fanout.getRange(this, start, end, options);
  }
  count(prefix: string, options?: kv.PrefixOptions & CallOptions): Promise<number> {
    return fanout.count(this, prefix, options);
  }
  deletePrefix(prefix: string, options?: kv.PrefixOptions & CallOptions): Promise<number> {
    return fanout.deletePrefix(this, prefix, options);
  }

  /** The partitions holding keys under `prefix`, each with the prefix narrowed to it (one starts with the other). */
  legsOf(prefix: string, options: kv.PrefixOptions = {}): { partition: string; prefix: string; client: Client }[] {
    const partitions = [...new Set(fanout.segmentsOf(this, prefix, options).map((s) => s.partition))];
    return partitions.map((p) => ({ partition: p, prefix: p.length > prefix.length ? p : prefix, client: this.client(p) }));
  }

  /**
   * Watches `prefix` in every partition it spans, merged; see {@link PartitionedWatch}.
   * `sourceOf` gives each partition's watchable side (its `Client`).
   */
  async watchMerged<E extends SourceEvent>(
    prefix: string,
    sourceOf: (client: Client) => EventSource<E>,
    options: PartitionWatchOptions & kv.PrefixOptions = {},
  ): Promise<PartitionedWatch<E>> {
    const legs: WatchLeg<E>[] = this.legsOf(prefix, options).map((l) => ({ ...l, source: sourceOf(l.client) }));
    return PartitionedWatch.open(prefix, legs, (key) => this.table.partitionOf(key), options.from);
  }

  /** A prefix watch: the owning partition's own watch when the prefix lies in one partition, else merged. */
  async watchPrefix(prefix: string, options: PrefixWatchOptions = {}): Promise<Watch | PartitionedWatch<WatchEvent>> {
    const legs = this.legsOf(prefix, options);
    if (legs.length === 1) return inPartitionOf(legs[0]!.partition, () => legs[0]!.client.watchPrefix(prefix, options));
    return this.watchPartitioned(prefix, options);
  }

  /** Always the merged watch (with a token), even within one partition. */
  async watchPartitioned(prefix: string, options: PrefixWatchOptions & PartitionWatchOptions = {}): Promise<PartitionedWatch<WatchEvent>> {
    const { from, ...rest } = options;
    const sourceOf = watchSource(rest, this.legsOf(prefix, options).length);
    return this.watchMerged(prefix, sourceOf, { ...(from === undefined ? {} : { from }), ...(options.all ? { all: true } : {}) });
  }

  /** A mirror needs one cluster's revisions to relist and resume: refused over partitions. */
  mirror(prefix: string, options?: MirrorOptions): Promise<Mirror> {
    return this.onPrefix(prefix, 'a mirror', (c) => c.mirror(prefix, options));
  }

  reencrypt(prefix: string, options?: ReencryptOptions): Promise<ReencryptResult> {
    return (async () => reencryptAll(this.legsOf(prefix, options), options))();
  }

  // ---- leases and recipes ----
  async lease(ttl: number, options?: CallOptions & LeaseHint): Promise<Lease> {
    const [hint, rest] = withoutHint(options);
    const p = hint === undefined ? '' : this.table.partitionOf(hint);
    return remember(p, await inPartitionOf(p, () => this.client(p).lease(ttl, rest)));
  }

  async session(options?: SessionOptions & LeaseHint): Promise<Session> {
    const [hint, rest] = withoutHint(options);
    const p = hint === undefined ? '' : this.table.partitionOf(hint);
    return remember(p, await inPartitionOf(p, () => this.client(p).session(rest)));
  }

  /**
   * The client of the partition holding a recipe's keys (`name/…`), checking
   * that a given session lives there too. Synchronous, like the recipes' constructors.
   * @throws {@link CrossPartitionError} when `name/` spans partitions or the session is another partition's.
   */
  forName(name: string, what: string, session?: object): Client {
    if (typeof name !== 'string' || name === '') return this.client(''); // which refuses the name
    const partition = this.assertSamePartition([], `${what} '${name}'`, [`${name}/`]);
    checkHome(partition, session, `${what} '${name}'`);
    return this.client(partition);
  }

  // ---- cluster ----
  async status(options?: CallOptions): Promise<EndpointStatus[]> {
    return (await Promise.all([...this.#clients.values()].map((c) => c.status(options)))).flat();
  }

  async partitionHealth(options?: CallOptions): Promise<PartitionHealth[]> {
    return Promise.all(
      [...this.#clients].map(async ([partition, c]) => ({ partition, endpoints: c.config.endpoints, health: await c.health(options) })),
    );
  }

  /** Healthy when every partition is; `statuses` lists every endpoint of every partition; `connection` is the worst. */
  async health(options?: CallOptions): Promise<Health> {
    const all = await this.partitionHealth(options);
    return {
      healthy: all.every((p) => p.health.healthy),
      endpoints: all.reduce((n, p) => n + p.health.endpoints, 0),
      reachable: all.reduce((n, p) => n + p.health.reachable, 0),
      statuses: all.flatMap((p) => p.health.statuses),
      connection: worst(all.map((p) => p.health.connection)),
      openCircuits: all.reduce((n, p) => n + p.health.openCircuits, 0),
    };
  }

  /** The worst connection state of any partition's client. */
  get connectionState(): ConnectionState {
    return worst([...this.#clients.values()].map((c) => c.connectionState));
  }

  async members(options?: CallOptions): Promise<Member[]> {
    const lists = await Promise.all([...this.#clients].map(([p, c]) => inPartitionOf(p, () => c.members(options))));
    return lists.flat();
  }

  /** Refuses what needs one revision for the whole keyspace: each cluster has its own. */
  async perCluster(op: string): Promise<never> {
    throw new CrossPartitionError(
      `${op} needs one cluster, but this client spans ${this.#clients.size} partitions, each with its own revisions; ` +
        `call it on one partition: client.partition(prefix).${op}(…)`,
    );
  }

  /** {@link Router.perCluster} for a call that returns a stream: it fails on the first read. */
  async *perClusterStream(op: string): AsyncGenerator<never> {
    await this.perCluster(op);
    yield* [];
  }

  /** Closes every partition's client. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#clients.values()].map((c) => c.close()));
  }

  /** Runs `fn` on the client of `key`'s partition, naming the partition in what it throws (for single-key features: CAS, leases on a key…). */
  async on<T>(key: string, fn: (client: Client, partition: string) => Promise<T>): Promise<T> {
    const partition = this.table.partitionOf(key);
    return inPartitionOf(partition, () => fn(this.client(partition), partition));
  }

  /**
   * Runs `fn` on the client of the one partition holding every key under `prefix`.
   * @throws {@link CrossPartitionError} when the prefix spans partitions.
   */
  async onPrefix<T>(prefix: string, op: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const partition = this.assertSamePartition([], op, [prefix]);
    return inPartitionOf(partition, () => fn(this.client(partition)));
  }
}
