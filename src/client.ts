import { Config } from './config/index.js';
import type { Value } from './codec/index.js';
import type { CallOptions } from './core/call.js';
import { checkCallOptions, checkOptions } from './core/options.js';
import { ConfigError, namingKeys, ValidationError } from './errors/index.js';
import * as admin from './admin/index.js';
import type { AuthAdmin, ClusterAdmin, EndpointStatus, Health, Maintenance, Member } from './admin/index.js';
import type { SnapshotChunk, SnapshotOptions, SnapshotResult, SnapshotToOptions } from './admin/index.js';
import type { ConnectionEvent, ConnectionState, StateChangesOptions } from './resilience/index.js';
import type { Backend, LeaseHint, PartitionHealth, PartitionWatchOptions } from './backend/index.js';
import * as route from './partition/index.js';
import type { PartitionedWatch } from './watch/merged.js';
import * as txn from './txn/index.js';
import type { CasOptions, TxnBuilder } from './txn/index.js';
import type { StmOptions, StmResult, StmTx } from './concurrency/stm.js';
import type { ReencryptOptions, ReencryptResult } from './kv/reencrypt.js';
import { Mirror, Watch } from './watch/index.js';
import type { MirrorOptions, PrefixWatchOptions, WatchEvent, WatchOptions } from './watch/index.js';
import type { Lease } from './lease/index.js';
import { Election, Mutex, RWMutex } from './concurrency/index.js';
import type { ElectionOptions, LockOptions, RWLockOptions, Session, SessionOptions } from './concurrency/index.js';
import * as kv from './kv/index.js';
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
  ConsistencyOptions,
  DeleteOptions,
  DeleteResult,
  DeletePrefixOptions,
  DeletePrefixResult,
  GetManyOptions,
  GetManyResult,
} from './kv/index.js';

let readBackend: (client: Client) => Backend;

/** The backend of `client`: for `src/internal.ts` only (not re-exported by `src/index.ts`). */
export function backendOf(client: Client): Backend {
  return readBackend(client);
}

/** Options of {@link Client.connect}. */
export interface ConnectOptions {
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

/**
 * A connection to an etcd cluster. Create one with {@link Client.connect},
 * share it across your application, and close it when done.
 *
 * Each operation is written once here, over one backend: either a single
 * cluster or, when the config has partitions ({@link Config.withPartition}),
 * a partitioned keyspace. The backend says where a call goes (the cluster
 * owning a key, the ranges a prefix spans); the call itself is the same
 * either way, so every operation means the same with or without partitions.
 *
 * @example
 * ```ts
 * await using client = await Client.connect(Config.defaults().withEndpoints('localhost:2379'));
 * await client.put('/config/app/timeout', '30s');
 * console.log(await client.getString('/config/app/timeout')); // '30s'
 * ```
 */
export class Client implements AsyncDisposable {
  /** Where every operation goes: one cluster, or a partitioned keyspace that routes between clusters (see backend/backend.ts). */
  readonly #backend: Backend;
  /** The facades of this client's partitions, so that `partition(prefix)` gives the same client each time. */
  readonly #partitions = new Map<Backend, Client>();

  private constructor(backend: Backend) {
    this.#backend = backend;
  }

  /**
   * Connects and checks that an endpoint answers within the dial timeout.
   *
   * @throws {@link ConnectionError} when no endpoint answers in time (or TLS fails).
   * @throws {@link AuthError} when the user name or password is wrong.
   */
  static async connect(config: Config, options: ConnectOptions = {}): Promise<Client> {
    checkCallOptions(options);
    if (!(config instanceof Config)) throw new ConfigError('config', 'must be a Config (see Config.defaults())');
    return new Client(await route.connectBackend(config, options.signal));
  }

  /** The configuration this client was made with. */
  get config(): Config {
    return this.#backend.config;
  }

  // Hands `backendOf` a reader of the backend: the repo's tests reach it through `src/internal.ts`, not a member.
  static {
    readBackend = (client) => client.#backend;
  }

  // ---- key/value -------------------------------------------------------

  /**
   * Writes `value` under `key`.
   * @example `const { revision } = await client.put('/app/mode', 'blue');`
   * @throws {@link ValidationError} for an empty key or a value that is neither string nor bytes.
   * @throws {@link ValueTooLargeError} when the encoded value exceeds `maxRequestBytes`.
   */
  async put(key: string, value: Value, options?: PutOptions): Promise<PutResult> {
    checkOptions(options);
    return route.onKey(this.#backend, key, (c, partition) => {
      route.checkLeaseHome(this.#backend, partition, options?.lease, `key '${key}'`);
      return kv.put(c.core, key, value, options);
    });
  }

  /**
   * Reads the value of `key` (at `revision` if given).
   * @example `const bytes = await client.get('/app/logo.png');`
   * @throws {@link KeyNotFoundError} when the key does not exist.
   */
  async get(key: string, options?: ReadOptions): Promise<Buffer> {
    checkOptions(options);
    return route.onKey(this.#backend, key, (c) => kv.get(c.core, key, options));
  }

  /**
   * Reads the value of `key` as UTF-8 text.
   * @example `const mode = await client.getString('/app/mode');`
   * @throws {@link KeyNotFoundError} when the key does not exist.
   */
  async getString(key: string, options?: ReadOptions): Promise<string> {
    checkOptions(options);
    return (await this.get(key, options)).toString('utf8');
  }

  /**
   * Reads the value of `key` and parses it as JSON.
   * @example `const cfg = await client.getJSON<{ replicas: number }>('/app/config');`
   * @throws {@link KeyNotFoundError} when the key does not exist.
   * @throws {@link ValidationError} when the value is not valid JSON.
   */
  async getJSON<T = unknown>(key: string, options?: ReadOptions): Promise<T> {
    checkOptions(options);
    const text = await this.getString(key, options);
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw namingKeys(
        new ValidationError(`value of '${key}' is not valid JSON: ${(cause as Error).message}`, { cause }),
        key,
      );
    }
  }

  /**
   * Reads `key` with its metadata, or `undefined` when it does not exist.
   * @example `const kv = await client.find('/app/mode'); kv?.modRevision;`
   */
  async find(key: string, options?: ReadOptions): Promise<KeyValue | undefined> {
    checkOptions(options);
    return route.onKey(this.#backend, key, (c) => kv.find(c.core, key, options));
  }

  /**
   * Whether `key` exists, without transferring its value.
   * @example `if (await client.exists('/app/lock')) { ... }`
   */
  async exists(key: string, options?: ReadOptions): Promise<boolean> {
    checkOptions(options);
    return route.onKey(this.#backend, key, (c) => kv.exists(c.core, key, options));
  }

  /**
   * Reads many keys at once: one read-only transaction, at one revision,
   * when they fit the server's limits (`maxTxnOps`, the request and reply
   * sizes); otherwise several, each later one pinned to the first one's
   * revision (linearizable reads), so the result is still one snapshot. The
   * `revisions` of the result say what was read at (several entries only for
   * serializable chunks or several partitions). Keys that do not exist are
   * absent from the map.
   * @example
   * ```ts
   * const kvs = await client.getMany(['/users/alice', '/users/bob']);
   * kvs.get('/users/alice')?.value.toString();
   * ```
   * @throws {@link ValidationError} for a bad key or revision (nothing is sent).
   * @throws {@link CompactedError} when `revision` (or a later chunk's pinned revision) was compacted.
   */
  async getMany(keys: Iterable<string>, options?: GetManyOptions): Promise<GetManyResult> {
    checkOptions(options);
    return route.getMany(this.#backend, keys, options);
  }

  /**
   * Deletes `key`; resolves to the number of keys deleted (0 or 1), or with
   * `{ prevKV: true }` to `{ deleted, previous, undecodable }`, `previous`
   * being the key as it was (decoded through the value pipeline; `undefined`
   * when absent). A previous value that cannot be decoded (written in
   * plaintext by another tool under encryption) does not fail the delete,
   * which etcd applied: `previous` is then `undefined` and `undecodable` 1.
   * @example
   * ```ts
   * await client.delete('/app/mode');
   * const { previous } = await client.delete('/app/mode', { prevKV: true });
   * ```
   */
  delete(key: string, options: DeleteOptions & { prevKV: true }): Promise<DeleteResult>;
  delete(key: string, options?: DeleteOptions): Promise<number>;
  async delete(key: string, options?: DeleteOptions): Promise<number | DeleteResult> {
    checkOptions(options);
    const res = await route.onKey(this.#backend, key, (c) => kv.del(c.core, key, options));
    return options?.prevKV === true ? res : res.deleted;
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
  async bulkPut(entries: Entries, options?: BulkPutOptions): Promise<BulkResult> {
    checkOptions(options);
    return route.bulkPut(this.#backend, entries, options);
  }

  /**
   * Deletes many keys, chunked like {@link Client.bulkPut}; `count` is the number deleted.
   * @example `await client.bulkDelete(['/users/alice', '/users/bob']);`
   */
  async bulkDelete(keys: Iterable<string>, options?: BulkOptions): Promise<BulkResult> {
    checkOptions(options);
    return route.bulkDelete(this.#backend, keys, options);
  }

  /**
   * Keys starting with `prefix`, in key order, read in pages at one revision.
   * @example `const users = await client.list('/users/');`
   */
  async list(prefix: string, options?: ListOptions): Promise<string[]> {
    checkOptions(options);
    return kv.listSegments(this.#backend.spanning(prefix, options), options);
  }

  /**
   * Keys and values starting with `prefix`, in key order, read in pages at one revision.
   * @example `for (const [key, value] of await client.listWithValues('/users/')) { ... }`
   */
  async listWithValues(prefix: string, options?: ListOptions): Promise<Map<string, Buffer>> {
    checkOptions(options);
    return kv.listWithValuesSegments(this.#backend.spanning(prefix, options), options);
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
    checkOptions(options);
    return iterateOver(this.#backend, prefix, options);
  }

  /**
   * Keys in `[start, end)` with values, in key order; `end = ''` means to the end of the keyspace.
   * @example `const page = await client.getRange('/users/a', '/users/m');`
   */
  async getRange(start: string, end: string, options?: ScanOptions): Promise<KeyValue[]> {
    checkOptions(options);
    return kv.getRangeSegments(this.#backend.spanningRange(start, end, options), options);
  }

  /**
   * Number of keys under `prefix`, counted by the server.
   * @example `const n = await client.count('/users/');`
   */
  async count(prefix: string, options?: PrefixOptions & CallOptions & ConsistencyOptions): Promise<number> {
    checkOptions(options);
    return kv.countSegments(this.#backend.spanning(prefix, options), options);
  }

  /**
   * Deletes every key under `prefix` in one request; resolves to the number
   * deleted, or with `{ prevKV: true }` to `{ deleted, previous, undecodable }`,
   * the removed key-values decoded through the value pipeline, in key order
   * (read in pages as they were just before the delete, so their size is not
   * bounded by the receive limit). Those that cannot be decoded are left out
   * of `previous` and counted in `undecodable`; they are deleted all the same.
   * The empty prefix is refused unless `{ all: true }` is passed.
   * @example
   * ```ts
   * await client.deletePrefix('/tmp/');
   * const { previous } = await client.deletePrefix('/jobs/', { prevKV: true });
   * ```
   * @throws {@link PartialWriteError} with `prevKV`, in the rare case that the keys were deleted but
   * their previous values could not be read back (compacted at once, or etcd unreachable meanwhile).
   */
  deletePrefix(prefix: string, options: DeletePrefixOptions & { prevKV: true }): Promise<DeletePrefixResult>;
  deletePrefix(prefix: string, options?: DeletePrefixOptions): Promise<number>;
  async deletePrefix(prefix: string, options?: DeletePrefixOptions): Promise<number | DeletePrefixResult> {
    checkOptions(options);
    kv.checkWriteOptions(options ?? {});
    const res = await kv.deleteSegments(this.#backend.spanning(prefix, options), prefix, options);
    return options?.prevKV === true ? res : res.deleted;
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
    checkOptions(options);
    return snapshotOf(this.#backend, options);
  }

  /**
   * Writes a snapshot into `destination` (which is ended), checks the
   * server's SHA-256 trailer, and returns the size and SHA-256 of what was written.
   * @example
   * ```ts
   * const { bytes, sha256 } = await client.snapshotTo(createWriteStream('backup.db'));
   * ```
   * @throws {@link ServerError} when the trailer does not match the data.
   * @throws {@link CancelledError} when `signal` aborts, also while the destination stalls.
   * @throws {@link ClosedError} when the client is closed during the transfer.
   */
  async snapshotTo(destination: NodeJS.WritableStream, options?: SnapshotToOptions): Promise<SnapshotResult> {
    checkOptions(options);
    return admin.snapshotTo(route.theCluster(this.#backend, 'snapshotTo').core, destination, options);
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
  async compareAndSwap(key: string, expected: Value | undefined, next: Value, options?: CasOptions): Promise<boolean> {
    checkOptions(options);
    return route.onKey(this.#backend, key, (c) => txn.compareAndSwap(c.core, key, expected, next, options));
  }

  /**
   * Writes `value` under `key` only if the key does not exist; resolves to whether it did.
   * @example `if (await client.putIfAbsent('/jobs/42/owner', workerId)) runJob();`
   * @throws {@link ValidationError} for an empty key or a bad value.
   */
  async putIfAbsent(key: string, value: Value, options?: CasOptions): Promise<boolean> {
    checkOptions(options);
    return route.onKey(this.#backend, key, (c) => txn.putIfAbsent(c.core, key, value, options));
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
    return route.txn(this.#backend);
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
  async stm<T>(fn: (tx: StmTx) => Promise<T> | T, options?: StmOptions): Promise<StmResult<T>> {
    checkOptions(options);
    return route.stmIn(this.#backend, fn, options);
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
  async reencrypt(prefix: string, options?: ReencryptOptions): Promise<ReencryptResult> {
    checkOptions(options);
    return route.reencryptIn(this.#backend, prefix, options);
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
  async watch(key: string, options?: WatchOptions): Promise<Watch> {
    checkOptions(options);
    return route.onKey(this.#backend, key, (c) => Watch.open(c.core, { key: c.core.keys.encode(key) }, options));
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
  async watchPrefix(prefix: string, options?: PrefixWatchOptions): Promise<Watch | PartitionedWatch<WatchEvent>> {
    checkOptions(options);
    return route.watchPrefix(this.#backend, prefix, options);
  }

  /**
   * Every change of `key` still in etcd's history (puts and deletes), oldest first.
   * @example `const versions = await client.history('/app/mode'); versions.at(-1)?.deleted;`
   * @throws {@link CompactedError} when `fromRevision` is compacted.
   */
  async history(key: string, options?: HistoryOptions): Promise<KeyVersion[]> {
    checkOptions(options);
    return route.onKey(this.#backend, key, (c) => kv.history(c.core, key, options));
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
  async mirror(prefix: string, options?: MirrorOptions): Promise<Mirror> {
    checkOptions(options);
    return route.onPrefix(this.#backend, prefix, 'a mirror', (c) => Mirror.open(c.core, prefix, options));
  }

  // ---- leases and locks ------------------------------------------------

  /**
   * Grants a lease of `ttlSeconds`. It does not renew itself: call
   * `keepAlive()` on it for background renewal, or keys put with it vanish
   * after the TTL.
   * On a partitioned client the lease is granted in the cluster of `partitionOf`'s
   * partition (default partition without it); keys of other partitions cannot use it ({@link CrossPartitionError}).
   * @example
   * ```ts
   * const lease = await client.lease(10);
   * await client.putWithLease('/workers/w1', 'alive', lease);
   * ```
   * @throws {@link ValidationError} when `ttlSeconds` is not a positive whole number.
   */
  async lease(ttlSeconds: number, options?: CallOptions & LeaseHint): Promise<Lease> {
    checkOptions(options);
    return route.lease(this.#backend, ttlSeconds, options);
  }

  /**
   * Writes `value` under `key` attached to `lease` (a {@link Lease}, a {@link Session} or a hex id):
   * the key is deleted when the lease ends. Same as `put(key, value, { lease })`.
   * @example `await client.putWithLease('/services/api/n1', '10.0.0.1:80', session);`
   * @throws {@link LeaseNotFoundError} when the lease has expired or was revoked.
   */
  async putWithLease(
    key: string,
    value: Value,
    lease: LeaseRef,
    options?: Omit<PutOptions, 'lease'>,
  ): Promise<PutResult> {
    checkOptions(options);
    return this.put(key, value, { ...options, lease });
  }

  /**
   * Opens a session: a lease kept alive until the session is closed, whose
   * loss is reported. The base of locks and elections.
   * On a partitioned client, `partitionOf` picks the cluster as for {@link Client.lease}.
   * @example `await using session = await client.session({ ttl: 10 });`
   * @throws {@link ValidationError} when `ttl` is not a positive whole number.
   */
  async session(options?: SessionOptions & LeaseHint): Promise<Session> {
    checkOptions(options);
    return route.session(this.#backend, options);
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
    checkOptions(options);
    return new Mutex(route.recipeCluster(this.#backend, name, 'lock', options?.session).core, name, options);
  }

  /**
   * A distributed read-write lock named `name` (Go's `recipes.RWMutex` keys); writers are not starved.
   * @example `await using rw = client.newRWLock('/locks/catalog'); await rw.readLock();`
   * @throws {@link ValidationError} when `name` is empty.
   */
  newRWLock(name: string, options?: RWLockOptions): RWMutex {
    checkOptions(options);
    return new RWMutex(route.recipeCluster(this.#backend, name, 'rwlock', options?.session).core, name, options);
  }

  /**
   * A leader election named `name`, interoperable with Go's `concurrency.Election` and `etcdctl elect`.
   * @example `await using e = client.election('/elections/scheduler'); await e.campaign('node-1');`
   * @throws {@link ValidationError} when `name` is empty.
   */
  election(name: string, options?: ElectionOptions): Election {
    checkOptions(options);
    return new Election(route.recipeCluster(this.#backend, name, 'election', options?.session).core, name, options);
  }

  // ---- resilience ------------------------------------------------------

  /**
   * The overall connection state: `connected`, `reconnecting` (a call is
   * being retried), `disconnected` (every endpoint's circuit is open) or `closed`.
   * @example `if (client.connectionState !== 'connected') metrics.degraded();`
   */
  get connectionState(): ConnectionState {
    return this.#backend.connectionState;
  }

  /**
   * Calls `listener` on each change of connection state (`connected`,
   * `reconnecting`, `disconnected`, `closed`) and when an endpoint's circuit
   * opens (`endpoint-down`) or closes again (`endpoint-up`). Returns a
   * function that unsubscribes. Listeners run synchronously. A listener that
   * throws does not crash the process nor keep the others from being called:
   * its error is written to the configured logger and published on the
   * `etcdkit:listener` diagnostics channel ({@link ListenerErrorInfo}).
   * @example
   * ```ts
   * const off = client.onStateChange((e) => console.log(e.type, 'endpoint' in e ? e.endpoint : ''));
   * // later: off();
   * ```
   * @throws {@link ValidationError} when `listener` is not a function.
   */
  onStateChange(listener: (event: ConnectionEvent) => void): () => void {
    return this.#backend.onStateChange(listener);
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
    checkOptions(options);
    return this.#backend.stateChanges(options);
  }

  // ---- partitions ------------------------------------------------------

  /**
   * The prefix of the partition that owns `key` (longest matching prefix of
   * {@link Config.withPartition}), or `''` for the default partition.
   * @example `client.partitionOf('/registry/events/default/e1'); // '/registry/events/'`
   * @throws {@link ValidationError} when `key` is not a string.
   */
  partitionOf(key: string): string {
    return this.#backend.partitionOf(key);
  }

  /**
   * The client of one partition (`''`: the default), for what needs one
   * cluster: its revision, compaction, or keys you know live there.
   * Closed with this client. On an unpartitioned client, `partition('')` is the client itself.
   * @example `await client.partition('/registry/events/').compact(rev);`
   * @throws {@link ValidationError} when no partition has that prefix.
   */
  partition(prefix: string): Client {
    if (typeof prefix !== 'string') throw new ValidationError(`prefix must be a string, got ${typeof prefix}`);
    const backend = route.partitionBackend(this.#backend, prefix);
    if (backend === this.#backend) return this;
    let client = this.#partitions.get(backend);
    if (!client) this.#partitions.set(backend, (client = new Client(backend)));
    return client;
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
  async watchPartitioned(
    prefix: string,
    options?: PrefixWatchOptions & PartitionWatchOptions,
  ): Promise<PartitionedWatch<WatchEvent>> {
    checkOptions(options);
    return route.watchPartitioned(this.#backend, prefix, options);
  }

  /**
   * Health of each partition's cluster, the default first.
   * @example `for (const p of await client.partitionHealth()) if (!p.health.healthy) alert(p.partition);`
   */
  async partitionHealth(options?: CallOptions): Promise<PartitionHealth[]> {
    checkOptions(options);
    return route.partitionHealth(this.#backend, options);
  }

  // ---- cluster ---------------------------------------------------------

  /**
   * The cluster's current revision: one linearizable count-only read of a key at
   * the start of the namespace. A user whose role does not cover that key (a role
   * limited to a narrower prefix) gets the revision of the member that answered
   * instead (a transaction with no operations, which every user may run).
   * @example `const rev = await client.revision();`
   */
  async revision(options?: CallOptions): Promise<number> {
    checkOptions(options);
    return admin.currentRevision(route.theCluster(this.#backend, 'revision').core, options);
  }

  /**
   * Discards the key history before `revision`; reads and watches at older revisions then fail with {@link CompactedError}.
   * @example `await client.compact(await client.revision());`
   */
  async compact(revision: number, options?: CallOptions & { physical?: boolean }): Promise<void> {
    checkOptions(options);
    return admin.compact(route.theCluster(this.#backend, 'compact').core, revision, options);
  }

  /**
   * Status of every configured endpoint, asked in parallel; an endpoint that does not answer is reported with `reachable: false`.
   * @example `for (const s of await client.status()) console.log(s.endpoint, s.version, s.isLeader);`
   */
  async status(options?: CallOptions): Promise<EndpointStatus[]> {
    checkOptions(options);
    return route.status(this.#backend, options);
  }

  /**
   * A summary of {@link Client.status}: healthy when an endpoint answers, sees a leader and reports no alarm.
   * @example `if (!(await client.health()).healthy) alert();`
   */
  async health(options?: CallOptions): Promise<Health> {
    checkOptions(options);
    return route.health(this.#backend, options);
  }

  /**
   * The members of every cluster the client reads and writes: one cluster's,
   * or with partitions every partition's cluster's (as {@link Client.status}
   * covers every endpoint). `client.cluster.members()` lists the default
   * cluster's members only: the cluster that `client.cluster` changes.
   * @example `const names = (await client.members()).map((m) => m.name);`
   */
  async members(options?: CallOptions): Promise<Member[]> {
    checkOptions(options);
    return route.members(this.#backend, options);
  }

  /**
   * Alarms, defragmentation, consistency checks, leadership and lease inspection.
   * On a partitioned client: the default partition's cluster (`client.partition(p).maintenance` for another).
   * @example `await client.maintenance.defragmentAll();`
   */
  get maintenance(): Maintenance {
    return route.clusterOf(this.#backend, '').maintenance;
  }

  /**
   * Cluster membership: add, promote, remove and update members; follow membership changes.
   * On a partitioned client: the default partition's cluster (`client.partition(p).cluster` for another).
   * @example `await client.cluster.addMember(['http://10.0.0.4:2380'], { learner: true });`
   */
  get cluster(): ClusterAdmin {
    return route.clusterOf(this.#backend, '').cluster;
  }

  /**
   * Users, roles, permissions, and turning authentication on or off.
   * On a partitioned client: the default partition's cluster (`client.partition(p).auth` for another).
   * @example `await client.auth.grantPermission('app', { prefix: '/app/' }, 'readwrite');`
   */
  get auth(): AuthAdmin {
    return route.clusterOf(this.#backend, '').auth;
  }

  // ---- lifecycle -------------------------------------------------------

  /** Closes every handle opened from this client, then the connection. Idempotent. */
  close(): Promise<void> {
    return this.#backend.close();
  }

  /** Same as {@link Client.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The keys under `prefix`, streamed; the prefix is checked at the first read, like every failure of an iteration. */
async function* iterateOver(backend: Backend, prefix: string, options?: ListOptions): AsyncGenerator<KeyValue> {
  yield* kv.iterateSegments(backend.spanning(prefix, options), options);
}

/** A snapshot of the one cluster; over partitions, a stream that fails at its first read. */
async function* snapshotOf(backend: Backend, options?: SnapshotOptions): AsyncGenerator<SnapshotChunk> {
  yield* admin.snapshot(route.theCluster(backend, 'snapshot').core, options);
}
