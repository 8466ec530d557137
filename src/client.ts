import { Config } from './config/index.js';
import { createCodec, type Value } from './codec/index.js';
import { abortable, Caller, type CallOptions } from './core/call.js';
import { createEtcd3 } from './core/connection.js';
import type { Core } from './core/core.js';
import { AuthError, ConfigError, ConnectionError, PermissionDeniedError, ValidationError, mapError } from './errors/index.js';
import { Keyspace } from './keys/index.js';
import * as admin from './admin/index.js';
import type { EndpointStatus, Health, Member } from './admin/index.js';
import type { SnapshotChunk, SnapshotOptions, SnapshotResult, SnapshotToOptions } from './admin/index.js';
import type { ConnectionEvent, ConnectionState, StateChangesOptions } from './resilience/index.js';
import { traced, type AttemptTrace } from './resilience/circuits.js';
import * as kv from './kv/index.js';
import { PartitionedWatch, Router, watchWhole, type LeaseHint, type PartitionHealth, type PartitionWatchOptions } from './partition/index.js';
import * as txn from './txn/index.js';
import type { CasOptions, TxnBuilder } from './txn/index.js';
import { stm, type StmOptions, type StmResult, type StmTx } from './concurrency/stm.js';
import { reencrypt, type ReencryptOptions, type ReencryptResult } from './kv/reencrypt.js';
import { Mirror, Watch, type MirrorOptions, type PrefixWatchOptions, type WatchEvent, type WatchOptions } from './watch/index.js';
import { grantLease, type Lease } from './lease/index.js';
import {
  Election,
  Mutex,
  RWMutex,
  openSession,
  type ElectionOptions,
  type LockOptions,
  type RWLockOptions,
  type Session,
  type SessionOptions,
} from './concurrency/index.js';
import type {
  BulkOptions,
  BulkPutOptions,
  BulkResult,
  Entries,
  KeyValue,
  LeaseRef,
  ListOptions,
  PrefixOptions,
  PutOptions,
  PutResult,
  ReadOptions,
  ScanOptions,
  HistoryOptions,
  KeyVersion,
} from './kv/index.js';

/** Options of {@link Client.connect}. */
export interface ConnectOptions {
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

/**
 * A connection to an etcd cluster. Create one with {@link Client.connect},
 * share it across your application, and close it when done.
 *
 * @example
 * ```ts
 * await using client = await Client.connect(Config.defaults().withEndpoints('localhost:2379'));
 * await client.put('/config/app/timeout', '30s');
 * console.log(await client.getString('/config/app/timeout')); // '30s'
 * ```
 */
export class Client implements AsyncDisposable {
  readonly #core: Core;
  #closing: Promise<void> | undefined;
  /** Set when the config has partitions: every key operation then goes through it. */
  readonly #router: Router | undefined;

  private constructor(core: Core, router?: Router) {
    this.#core = core;
    this.#router = router;
  }

  /**
   * Connects and checks that an endpoint answers within the dial timeout.
   *
   * @throws {@link ConnectionError} when no endpoint answers in time (or TLS fails).
   * @throws {@link AuthError} when the user name or password is wrong.
   */
  static async connect(config: Config, options: ConnectOptions = {}): Promise<Client> {
    if (!(config instanceof Config)) throw new ConfigError('config', 'must be a Config (see Config.defaults())');
    if (config.partitions.length > 0) {
      const router = await Router.connect(config, (c) => Client.connect(c, options));
      return new Client(router.core, router);
    }
    const caller = new Caller(config);
    const etcd = createEtcd3(config, config.endpoints, (endpoint) => caller.guards.policy(endpoint));
    const core: Core = {
      config,
      etcd,
      keys: new Keyspace(config.namespace),
      codec: createCodec(config),
      caller,
      resources: new Set(),
    };
    try {
      await probe(core, options.signal);
    } catch (err) {
      etcd.close();
      throw err;
    }
    return new Client(core);
  }

  /** The configuration this client was made with. */
  get config(): Config {
    return this.#core.config;
  }

  /** @internal The internals feature modules build on. */
  get core(): Core {
    return this.#core;
  }

  // ---- key/value -------------------------------------------------------

  /**
   * Writes `value` under `key`.
   * @example `const { revision } = await client.put('/app/mode', 'blue');`
   * @throws {@link ValidationError} for an empty key or a value that is neither string nor bytes.
   * @throws {@link ValueTooLargeError} when the encoded value exceeds `maxRequestBytes`.
   */
  put(key: string, value: Value, options?: PutOptions): Promise<PutResult> {
    if (this.#router) return this.#router.put(key, value, options);
    return kv.put(this.#core, key, value, options);
  }

  /**
   * Reads the value of `key` (at `revision` if given).
   * @example `const bytes = await client.get('/app/logo.png');`
   * @throws {@link KeyNotFoundError} when the key does not exist.
   */
  get(key: string, options?: ReadOptions): Promise<Buffer> {
    if (this.#router) return this.#router.get(key, options);
    return kv.get(this.#core, key, options);
  }

  /**
   * Reads the value of `key` as UTF-8 text.
   * @example `const mode = await client.getString('/app/mode');`
   * @throws {@link KeyNotFoundError} when the key does not exist.
   */
  async getString(key: string, options?: ReadOptions): Promise<string> {
    return (await this.get(key, options)).toString('utf8');
  }

  /**
   * Reads the value of `key` and parses it as JSON.
   * @example `const cfg = await client.getJSON<{ replicas: number }>('/app/config');`
   * @throws {@link KeyNotFoundError} when the key does not exist.
   * @throws {@link ValidationError} when the value is not valid JSON.
   */
  async getJSON<T = unknown>(key: string, options?: ReadOptions): Promise<T> {
    const text = await this.getString(key, options);
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new ValidationError(`value of '${key}' is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }

  /**
   * Reads `key` with its metadata, or `undefined` when it does not exist.
   * @example `const kv = await client.find('/app/mode'); kv?.modRevision;`
   */
  find(key: string, options?: ReadOptions): Promise<KeyValue | undefined> {
    if (this.#router) return this.#router.find(key, options);
    return kv.find(this.#core, key, options);
  }

  /**
   * Whether `key` exists, without transferring its value.
   * @example `if (await client.exists('/app/lock')) { ... }`
   */
  exists(key: string, options?: CallOptions): Promise<boolean> {
    if (this.#router) return this.#router.exists(key, options);
    return kv.exists(this.#core, key, options);
  }

  /**
   * Deletes `key`; resolves to the number of keys deleted (0 or 1).
   * @example `await client.delete('/app/mode');`
   */
  delete(key: string, options?: CallOptions): Promise<number> {
    if (this.#router) return this.#router.delete(key, options);
    return kv.del(this.#core, key, options);
  }

  /**
   * Writes many keys: one atomic transaction when the input fits the
   * server's limits, otherwise chunks that each fit, sent with bounded
   * concurrency. Pass `{ atomic: true }` to never split.
   * Every key and value is checked before anything is sent.
   *
   * @example `await client.bulkPut({ '/users/alice': 'A', '/users/bob': 'B' });`
   * @throws {@link TxnTooLargeError} with `atomic` when the input does not fit one transaction.
   * @throws {@link PartialWriteError} when a chunk fails after others were applied.
   */
  bulkPut(entries: Entries, options?: BulkPutOptions): Promise<BulkResult> {
    if (this.#router) return this.#router.bulkPut(entries, options);
    return kv.bulkPut(this.#core, entries, options);
  }

  /**
   * Deletes many keys, chunked like {@link Client.bulkPut}; `count` is the number deleted.
   * @example `await client.bulkDelete(['/users/alice', '/users/bob']);`
   */
  bulkDelete(keys: Iterable<string>, options?: BulkOptions): Promise<BulkResult> {
    if (this.#router) return this.#router.bulkDelete(keys, options);
    return kv.bulkDelete(this.#core, keys, options);
  }

  /**
   * Keys starting with `prefix`, in key order, read in pages at one revision.
   * @example `const users = await client.list('/users/');`
   */
  list(prefix: string, options?: ListOptions): Promise<string[]> {
    if (this.#router) return this.#router.list(prefix, options);
    return kv.list(this.#core, prefix, options);
  }

  /**
   * Keys and values starting with `prefix`, in key order, read in pages at one revision.
   * @example `for (const [key, value] of await client.listWithValues('/users/')) { ... }`
   */
  listWithValues(prefix: string, options?: ListOptions): Promise<Map<string, Buffer>> {
    if (this.#router) return this.#router.listWithValues(prefix, options);
    return kv.listWithValues(this.#core, prefix, options);
  }

  /**
   * Streams the keys under `prefix` page by page, every page at the same
   * revision (a consistent snapshot); memory stays bounded by `pageSize`.
   * @example
   * ```ts
   * for await (const kv of client.iterate('/registry/', { pageSize: 500 })) console.log(kv.key);
   * ```
   */
  iterate(prefix: string, options?: ListOptions): AsyncIterable<KeyValue> {
    if (this.#router) return this.#router.iterate(prefix, options);
    return kv.iterate(this.#core, prefix, options);
  }

  /**
   * Keys in `[start, end)` with values, in key order; `end = ''` means to the end of the keyspace.
   * @example `const page = await client.getRange('/users/a', '/users/m');`
   */
  getRange(start: string, end: string, options?: ScanOptions): Promise<KeyValue[]> {
    if (this.#router) return this.#router.getRange(start, end, options);
    return kv.getRange(this.#core, start, end, options);
  }

  /**
   * Number of keys under `prefix`, counted by the server.
   * @example `const n = await client.count('/users/');`
   */
  count(prefix: string, options?: PrefixOptions & CallOptions): Promise<number> {
    if (this.#router) return this.#router.count(prefix, options);
    return kv.count(this.#core, prefix, options);
  }

  /**
   * Deletes every key under `prefix` in one request; resolves to the number deleted.
   * The empty prefix is refused unless `{ all: true }` is passed.
   * @example `await client.deletePrefix('/tmp/');`
   */
  deletePrefix(prefix: string, options?: PrefixOptions & CallOptions): Promise<number> {
    if (this.#router) return this.#router.deletePrefix(prefix, options);
    return kv.deletePrefix(this.#core, prefix, options);
  }

  // ---- snapshot --------------------------------------------------------

  /**
   * Streams a snapshot of the backend database (as `etcdctl snapshot save`
   * writes it) from one member, chunk by chunk; memory stays bounded by one
   * chunk. Breaking out of the loop or aborting cancels the transfer.
   * @example
   * ```ts
   * for await (const chunk of client.snapshot()) await file.write(chunk.data);
   * ```
   * @throws {@link CancelledError} when `signal` aborts.
   * @throws {@link CrossPartitionError} on a partitioned client (each cluster has its own database: use `client.partition(prefix).snapshot()`).
   */
  snapshot(options?: SnapshotOptions): AsyncIterable<SnapshotChunk> {
    if (this.#router) return this.#router.perClusterStream('snapshot');
    return admin.snapshot(this.#core, options);
  }

  /**
   * Writes a snapshot into `destination` (which is ended), checks the
   * server's SHA-256 trailer, and returns the size and SHA-256 of what was written.
   * @example
   * ```ts
   * const { bytes, sha256 } = await client.snapshotTo(createWriteStream('backup.db'));
   * ```
   * @throws {@link ServerError} when the trailer does not match the data.
   * @throws {@link CancelledError} when `signal` aborts.
   */
  snapshotTo(destination: NodeJS.WritableStream, options?: SnapshotToOptions): Promise<SnapshotResult> {
    if (this.#router) return this.#router.perCluster('snapshotTo');
    return admin.snapshotTo(this.#core, destination, options);
  }

  // ---- transactions ----------------------------------------------------

  /**
   * Writes `next` under `key` if its current value is `expected` (compared as
   * plaintext, also when values are encrypted or compressed), or, with
   * `expected` undefined, only if the key does not exist. Never applied twice.
   * @example
   * ```ts
   * await client.put('/counter', '10');
   * await client.compareAndSwap('/counter', '10', '20'); // true
   * await client.compareAndSwap('/counter', '15', '30'); // false: the value stays '20'
   * ```
   * @throws {@link ConflictError} (values encrypted or compressed only) when other writers keep rewriting the key with `expected`.
   * @throws {@link AmbiguousWriteError} / {@link TimeoutError} when the reply of the write is lost: read the key to find out.
   */
  compareAndSwap(key: string, expected: Value | undefined, next: Value, options?: CasOptions): Promise<boolean> {
    if (this.#router) return this.#router.on(key, (c) => c.compareAndSwap(key, expected, next, options));
    return txn.compareAndSwap(this.#core, key, expected, next, options);
  }

  /**
   * Writes `value` under `key` only if the key does not exist; resolves to whether it did.
   * @example `if (await client.putIfAbsent('/jobs/42/owner', workerId)) runJob();`
   * @throws {@link ValidationError} for an empty key or a bad value.
   */
  putIfAbsent(key: string, value: Value, options?: CasOptions): Promise<boolean> {
    if (this.#router) return this.#router.on(key, (c) => c.putIfAbsent(key, value, options));
    return txn.putIfAbsent(this.#core, key, value, options);
  }

  /**
   * Starts a transaction: `if(...comparisons)`, `onSuccess(...ops)`,
   * `onFailure(...ops)`, then `commit()`. Build comparisons with `compare` and operations with `op`.
   * @example
   * ```ts
   * const res = await client.txn().if(compare.absent('/leader')).onSuccess(op.put('/leader', me)).onFailure(op.get('/leader')).commit();
   * ```
   * @throws {@link TxnTooLargeError} (at `commit`) over `maxTxnOps` or `maxRequestBytes`; nothing is sent.
   */
  txn(): TxnBuilder {
    const router = this.#router;
    return new txn.TxnBuilder(this.#core, undefined, router && ((spec) => router.clientForSpec(spec).core));
  }

  /**
   * Runs `fn` as a software transaction (etcd's STM): reads through `tx` are
   * tracked, writes buffered, and everything committed atomically; on a
   * conflict `fn` runs again, up to `retries` times.
   * @example
   * ```ts
   * await client.stm(async (tx) => {
   *   const from = Number(await tx.getString('/bank/alice'));
   *   const to = Number(await tx.getString('/bank/bob'));
   *   tx.put('/bank/alice', String(from - 10));
   *   tx.put('/bank/bob', String(to + 10));
   * });
   * ```
   * @throws {@link ConflictError} when every attempt conflicted.
   * @throws whatever `fn` throws (nothing is written then).
   */
  stm<T>(fn: (tx: StmTx) => Promise<T> | T, options?: StmOptions): Promise<StmResult<T>> {
    const bind = this.#router?.binder();
    return stm(bind ? (key) => bind(key).core : this.#core, fn, options);
  }

  // ---- encryption ------------------------------------------------------

  /**
   * Rewrites every value under `prefix` that is not encrypted with the
   * primary key (plaintext values too, with `allowPlaintext`), for key
   * rotation. Reads pages at one revision; each rewrite is guarded on the
   * key's mod revision, so a concurrent write is never overwritten, and the
   * key's lease is kept. Safe to run again after a failure.
   *
   * @example
   * ```ts
   * const { rewritten } = await client.reencrypt('/secrets/', { onProgress: (p) => console.log(p.scanned) });
   * ```
   * @throws {@link ConfigError} when the client has no encryption configured.
   * @throws {@link DecryptionError} when a value cannot be read with the configured keys (nothing is skipped silently).
   * @throws {@link ConflictError} when a key kept changing under concurrent writers.
   */
  reencrypt(prefix: string, options?: ReencryptOptions): Promise<ReencryptResult> {
    if (this.#router) return this.#router.reencrypt(prefix, options);
    return reencrypt(this.#core, prefix, options);
  }

  // ---- watch and revisions ---------------------------------------------

  /**
   * Watches one key. Resolves once etcd confirmed the watch: every later write is delivered.
   * Survives dropped connections and member restarts without losing or repeating an event.
   * @example
   * ```ts
   * await using watch = await client.watch('/app/mode');
   * for await (const ev of watch) console.log(ev.type, ev.value.toString(), ev.modRevision);
   * ```
   * @throws {@link ValidationError} for an empty key or bad options.
   * @throws {@link CompactedError} (from the iteration, or `done`) when `fromRevision` is compacted.
   */
  watch(key: string, options?: WatchOptions): Promise<Watch> {
    if (this.#router) return this.#router.on(key, (c) => c.watch(key, options));
    return (async () => Watch.open(this.#core, { key: this.#core.keys.encode(key) }, options))();
  }

  /**
   * Watches every key under `prefix` (see {@link Client.watch}). Always a
   * {@link Watch}, except on a partitioned client for a prefix spanning
   * partitions: then a {@link PartitionedWatch} (merged, with a resume `token`;
   * `fromRevision` and `callback` refused).
   * @example `const watch = await client.watchPrefix('/jobs/', { fromRevision: checkpoint + 1, types: ['put'] });`
   * @throws {@link ValidationError} for the empty prefix without `{ all: true }`.
   * @throws {@link CompactedError} (from the iteration, or `done`) when `fromRevision` is compacted.
   */
  watchPrefix(prefix: string, options?: PrefixWatchOptions): Promise<Watch | PartitionedWatch<WatchEvent>> {
    if (this.#router) return this.#router.watchPrefix(prefix, options);
    return (async () => Watch.open(this.#core, this.#core.keys.prefixRange(prefix, options?.all), options))();
  }

  /**
   * Every change of `key` still in etcd's history (puts and deletes), oldest first.
   * @example `const versions = await client.history('/app/mode'); versions.at(-1)?.deleted;`
   * @throws {@link CompactedError} when `fromRevision` is compacted.
   */
  history(key: string, options?: HistoryOptions): Promise<KeyVersion[]> {
    if (this.#router) return this.#router.on(key, (c) => c.history(key, options));
    return kv.history(this.#core, key, options);
  }

  /**
   * A local copy of every key under `prefix`, kept current by a watch; relists by itself after a compaction.
   * On a partitioned client the prefix must lie in one partition ({@link CrossPartitionError} otherwise).
   * @example
   * ```ts
   * await using nodes = await client.mirror('/nodes/');
   * nodes.get('/nodes/a')?.value;
   * ```
   * @throws {@link ValidationError} for the empty prefix without `{ all: true }`.
   */
  mirror(prefix: string, options?: MirrorOptions): Promise<Mirror> {
    if (this.#router) return this.#router.mirror(prefix, options);
    return Mirror.open(this.#core, prefix, options);
  }

  // ---- leases and locks ------------------------------------------------

  /**
   * Grants a lease of `ttlSeconds`. It does not renew itself: call
   * `keepAlive()` on it for background renewal, or keys put with it vanish
   * after the TTL.
   * @example
   * ```ts
   * const lease = await client.lease(10);
   * await client.putWithLease('/workers/w1', 'alive', lease);
   * ```
   * @throws {@link ValidationError} when `ttlSeconds` is not a positive whole number.
   * On a partitioned client the lease is granted in the cluster of `partitionOf`'s
   * partition (default partition without it); keys of other partitions cannot use it ({@link CrossPartitionError}).
   */
  lease(ttlSeconds: number, options?: CallOptions & LeaseHint): Promise<Lease> {
    if (this.#router) return this.#router.lease(ttlSeconds, options);
    return grantLease(this.#core, ttlSeconds, options);
  }

  /**
   * Writes `value` under `key` attached to `lease` (a {@link Lease}, a {@link Session} or a hex id):
   * the key is deleted when the lease ends. Same as `put(key, value, { lease })`.
   * @example `await client.putWithLease('/services/api/n1', '10.0.0.1:80', session);`
   * @throws {@link LeaseNotFoundError} when the lease has expired or was revoked.
   */
  putWithLease(key: string, value: Value, lease: LeaseRef, options?: Omit<PutOptions, 'lease'>): Promise<PutResult> {
    if (this.#router) return this.#router.put(key, value, { ...options, lease });
    return kv.put(this.#core, key, value, { ...options, lease });
  }

  /**
   * Opens a session: a lease kept alive until the session is closed, whose
   * loss is reported. The base of locks and elections.
   * @example `await using session = await client.session({ ttl: 10 });`
   * @throws {@link ValidationError} when `ttl` is not a positive whole number.
   * On a partitioned client, `partitionOf` picks the cluster as for {@link Client.lease}.
   */
  session(options?: SessionOptions & LeaseHint): Promise<Session> {
    if (this.#router) return this.#router.session(options);
    return openSession(this.#core, options);
  }

  /**
   * A distributed mutex named `name`, interoperable with Go's `concurrency.Mutex`
   * and `etcdctl lock name`. Without `session` it opens its own (of `ttl`
   * seconds) on first use; close the handle to release it.
   * @example `await using lock = client.newLock('/locks/report'); await lock.withLock(() => build());`
   * @throws {@link ValidationError} when `name` is empty.
   * @throws {@link CrossPartitionError} (partitioned client) when `name/` spans partitions or `session` is another partition's.
   */
  newLock(name: string, options?: LockOptions): Mutex {
    if (this.#router) return this.#router.forName(name, 'lock', options?.session).newLock(name, options);
    return new Mutex(this.#core, name, options);
  }

  /**
   * A distributed read-write lock named `name` (Go's `recipes.RWMutex` keys); writers are not starved.
   * @example `await using rw = client.newRWLock('/locks/catalog'); await rw.readLock();`
   * @throws {@link ValidationError} when `name` is empty.
   */
  newRWLock(name: string, options?: RWLockOptions): RWMutex {
    if (this.#router) return this.#router.forName(name, 'rwlock', options?.session).newRWLock(name, options);
    return new RWMutex(this.#core, name, options);
  }

  /**
   * A leader election named `name`, interoperable with Go's `concurrency.Election` and `etcdctl elect`.
   * @example `await using e = client.election('/elections/scheduler'); await e.campaign('node-1');`
   * @throws {@link ValidationError} when `name` is empty.
   */
  election(name: string, options?: ElectionOptions): Election {
    if (this.#router) return this.#router.forName(name, 'election', options?.session).election(name, options);
    return new Election(this.#core, name, options);
  }

  // ---- resilience ------------------------------------------------------

  /**
   * The overall connection state: `connected`, `reconnecting` (a call is
   * being retried), `disconnected` (every endpoint's circuit is open) or `closed`.
   * @example `if (client.connectionState !== 'connected') metrics.degraded();`
   */
  get connectionState(): ConnectionState {
    if (this.#router) return this.#router.connectionState;
    return this.#core.caller.events.state;
  }

  /**
   * Calls `listener` on each change of connection state (`connected`,
   * `reconnecting`, `disconnected`, `closed`) and when an endpoint's circuit
   * opens (`endpoint-down`) or closes again (`endpoint-up`). Returns a
   * function that unsubscribes. Listeners run synchronously; exceptions they
   * throw are ignored.
   * @example
   * ```ts
   * const off = client.onStateChange((e) => console.log(e.type, 'endpoint' in e ? e.endpoint : ''));
   * // later: off();
   * ```
   * @throws TypeError when `listener` is not a function.
   */
  onStateChange(listener: (event: ConnectionEvent) => void): () => void {
    return this.#core.caller.events.subscribe(listener);
  }

  /**
   * The same events as {@link Client.onStateChange}, as an async iterable with
   * a bounded buffer (the oldest events are dropped when the consumer lags).
   * Ends when `signal` aborts or the client closes.
   * @example
   * ```ts
   * for await (const e of client.stateChanges({ signal })) log.info('etcd', e.type);
   * ```
   */
  stateChanges(options?: StateChangesOptions): AsyncIterable<ConnectionEvent> {
    return this.#core.caller.events.iterate(options);
  }

  // ---- partitions ------------------------------------------------------

  /**
   * The prefix of the partition that owns `key` (longest matching prefix of
   * {@link Config.withPartition}), or `''` for the default partition.
   * @example `client.partitionOf('/registry/events/default/e1'); // '/registry/events/'`
   * @throws {@link ValidationError} when `key` is not a string.
   */
  partitionOf(key: string): string {
    if (this.#router) return this.#router.partitionOf(key);
    if (typeof key !== 'string') throw new ValidationError(`key must be a string, got ${typeof key}`);
    return '';
  }

  /**
   * The client of one partition (`''`: the default), for what needs one
   * cluster: its revision, compaction, or keys you know live there.
   * Closed with this client. On an unpartitioned client, `partition('')` is the client itself.
   * @example `await client.partition('/registry/events/').compact(rev);`
   * @throws {@link ValidationError} when no partition has that prefix.
   */
  partition(prefix: string): Client {
    if (this.#router) return this.#router.client(prefix);
    if (prefix !== '') throw new ValidationError(`no partition '${prefix}': this client has no partitions`);
    return this;
  }

  /**
   * Watches `prefix` in every partition it spans, merged (events of one
   * partition in revision order, tagged with `partition`), with a resume token
   * ({@link PartitionedWatch.token}) valid in any process. Also on a client
   * without partitions (one leg). `fromRevision` and `callback` are refused: resume with `from`.
   * @example
   * ```ts
   * await using watch = await client.watchPartitioned('/registry/', { from: savedToken });
   * for await (const ev of watch) { await handle(ev); await save(watch.token); }
   * ```
   * @throws {@link ValidationError} for a token of another prefix or partition layout.
   */
  watchPartitioned(prefix: string, options?: PrefixWatchOptions & PartitionWatchOptions): Promise<PartitionedWatch<WatchEvent>> {
    if (this.#router) return this.#router.watchPartitioned(prefix, options);
    return watchWhole(this, prefix, options);
  }

  /**
   * Health of each partition's cluster, the default first.
   * @example `for (const p of await client.partitionHealth()) if (!p.health.healthy) alert(p.partition);`
   */
  async partitionHealth(options?: CallOptions): Promise<PartitionHealth[]> {
    if (this.#router) return this.#router.partitionHealth(options);
    return [{ partition: '', endpoints: this.config.endpoints, health: await this.health(options) }];
  }

  // ---- cluster ---------------------------------------------------------

  /**
   * The cluster's current revision (one count-only read).
   * @example `const rev = await client.revision();`
   */
  revision(options?: CallOptions): Promise<number> {
    if (this.#router) return this.#router.perCluster('revision');
    return admin.currentRevision(this.#core, options);
  }

  /**
   * Discards the key history before `revision`; reads and watches at older revisions then fail with {@link CompactedError}.
   * @example `await client.compact(await client.revision());`
   */
  compact(revision: number, options?: CallOptions & { physical?: boolean }): Promise<void> {
    if (this.#router) return this.#router.perCluster('compact');
    return admin.compact(this.#core, revision, options);
  }

  /**
   * Status of every configured endpoint, asked in parallel; an endpoint that does not answer is reported with `reachable: false`.
   * @example `for (const s of await client.status()) console.log(s.endpoint, s.version, s.isLeader);`
   */
  status(options?: CallOptions): Promise<EndpointStatus[]> {
    if (this.#router) return this.#router.status(options);
    return admin.status(this.#core, options);
  }

  /**
   * A summary of {@link Client.status}: healthy when an endpoint answers, sees a leader and reports no alarm.
   * @example `if (!(await client.health()).healthy) alert();`
   */
  health(options?: CallOptions): Promise<Health> {
    if (this.#router) return this.#router.health(options);
    return admin.health(this.#core, options);
  }

  /**
   * The members of the cluster.
   * @example `const names = (await client.members()).map((m) => m.name);`
   */
  members(options?: CallOptions): Promise<Member[]> {
    if (this.#router) return this.#router.members(options);
    return admin.members(this.#core, options);
  }

  // ---- lifecycle -------------------------------------------------------

  /** Closes every handle opened from this client, then the connection. Idempotent. */
  close(): Promise<void> {
    if (this.#router) return (this.#closing ??= this.#router.close());
    this.#closing ??= (async () => {
      this.#core.caller.close();
      const handles = [...this.#core.resources];
      await Promise.allSettled(handles.map((h) => h.close()));
      this.#core.etcd.close();
    })();
    return this.#closing;
  }

  /** Same as {@link Client.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Asks the cluster for its status until one endpoint answers or the dial timeout passes. */
async function probe(core: Core, signal: AbortSignal | undefined): Promise<void> {
  const { endpoints, dialTimeoutMs } = core.config;
  const deadline = Date.now() + dialTimeoutMs;
  let last: unknown;
  // Each call goes to one endpoint picked at random; try as many times as there
  // are endpoints, skipping those that already failed.
  const failed = new Set<string>();
  for (let i = 0; i < endpoints.length && Date.now() < deadline; i++) {
    const timer = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const any = signal ? AbortSignal.any([signal, timer]) : timer;
    const trace: AttemptTrace = { avoid: failed };
    try {
      await abortable(traced(trace, () => core.etcd.maintenance.status({ deadline })), any, { op: 'connect' });
      return;
    } catch (err) {
      if (trace.endpoint) failed.add(trace.endpoint);
      const mapped = mapError(err, { op: 'connect' });
      if (signal?.aborted || mapped instanceof AuthError || mapped instanceof PermissionDeniedError) throw mapped;
      last = timer.aborted ? new Error(`no answer within ${dialTimeoutMs} ms`, { cause: err }) : err;
    }
  }
  const reason = last instanceof Error ? last.message : `no answer within ${dialTimeoutMs} ms`;
  throw new ConnectionError(`cannot connect to ${endpoints.join(', ')}: ${reason}`, endpoints, { cause: last });
}
