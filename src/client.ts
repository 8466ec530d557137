import { Config } from './config/index.js';
import { identityCodec, type Value } from './codec/index.js';
import { abortable, Caller, type CallOptions } from './core/call.js';
import { createEtcd3 } from './core/connection.js';
import type { Core } from './core/core.js';
import { AuthError, ConfigError, ConnectionError, PermissionDeniedError, ValidationError, mapError } from './errors/index.js';
import { Keyspace } from './keys/index.js';
import * as admin from './admin/index.js';
import type { EndpointStatus, Health, Member } from './admin/index.js';
import * as kv from './kv/index.js';
import { Router, type PartitionHealth } from './partition/index.js';
import type {
  BulkOptions,
  BulkPutOptions,
  BulkResult,
  Entries,
  KeyValue,
  ListOptions,
  PrefixOptions,
  PutOptions,
  PutResult,
  ReadOptions,
  ScanOptions,
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
    const etcd = createEtcd3(config);
    const core: Core = {
      config,
      etcd,
      keys: new Keyspace(config.namespace),
      codec: identityCodec,
      caller: new Caller(config),
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
  // Each call goes to one endpoint picked at random; try as many times as there are endpoints.
  for (let i = 0; i < endpoints.length && Date.now() < deadline; i++) {
    const timer = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const any = signal ? AbortSignal.any([signal, timer]) : timer;
    try {
      await abortable(core.etcd.maintenance.status({ deadline }), any, { op: 'connect' });
      return;
    } catch (err) {
      const mapped = mapError(err, { op: 'connect' });
      if (signal?.aborted || mapped instanceof AuthError || mapped instanceof PermissionDeniedError) throw mapped;
      last = timer.aborted ? new Error(`no answer within ${dialTimeoutMs} ms`, { cause: err }) : err;
    }
  }
  const reason = last instanceof Error ? last.message : `no answer within ${dialTimeoutMs} ms`;
  throw new ConnectionError(`cannot connect to ${endpoints.join(', ')}: ${reason}`, endpoints, { cause: last });
}
