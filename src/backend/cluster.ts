import type { Config } from '../config/index.js';
import { createCodec, type Value } from '../codec/index.js';
import { Caller, type CallOptions } from '../core/call.js';
import { ServerVersion } from '../core/server.js';
import { createEtcd3, createRpc } from '../transport/index.js';
import type { Core } from '../core/core.js';
import { ValidationError } from '../errors/index.js';
import { Keyspace } from '../keys/index.js';
import * as admin from '../admin/index.js';
import { AuthAdmin, ClusterAdmin, Maintenance, startAutoSync } from '../admin/index.js';
import type {
  EndpointStatus,
  Health,
  Member,
  SnapshotChunk,
  SnapshotOptions,
  SnapshotResult,
  SnapshotToOptions,
} from '../admin/index.js';
import type { ConnectionEvent, ConnectionState, StateChangesOptions } from '../resilience/index.js';
import * as kv from '../kv/index.js';
import { reencrypt, type ReencryptOptions, type ReencryptResult } from '../kv/reencrypt.js';
import * as txn from '../txn/index.js';
import type { CasOptions, TxnBuilder } from '../txn/index.js';
import { stm, type StmOptions, type StmResult, type StmTx } from '../concurrency/stm.js';
import {
  Mirror,
  Watch,
  type MirrorOptions,
  type PrefixWatchOptions,
  type WatchEvent,
  type WatchOptions,
} from '../watch/index.js';
import type { PartitionedWatch } from '../watch/merged.js';
import { grantLease, type Lease } from '../lease/index.js';
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
} from '../concurrency/index.js';
import type { Backend, LeaseHint, PartitionHealth, PartitionWatchOptions } from './backend.js';
import { watchWhole } from './watch-source.js';
import { probe } from './probe.js';

/**
 * One etcd cluster: owns its {@link Core} (connection, keyspace, value
 * codec, call layer, open handles) and runs every operation of
 * {@link Backend} by calling the feature modules with it.
 */
export class ClusterBackend implements Backend {
  readonly core: Core;
  #closing: Promise<void> | undefined;

  private constructor(core: Core) {
    this.core = core;
  }

  /**
   * Connects to the cluster of `config` (its partitions, if any, are ignored)
   * and checks that an endpoint answers within the dial timeout.
   * @throws {@link ConnectionError} when no endpoint answers in time (or TLS fails).
   * @throws {@link AuthError} when the user name or password is wrong, or none is given where etcd wants one.
   */
  static async connect(config: Config, signal?: AbortSignal): Promise<ClusterBackend> {
    const caller = new Caller(config);
    const etcd = createEtcd3(config, config.endpoints, (endpoint) => caller.guards.policy(endpoint));
    const core: Core = {
      config,
      etcd,
      rpc: createRpc(etcd),
      keys: new Keyspace(config.namespace),
      codec: createCodec(config),
      caller,
      resources: new Set(),
      server: new ServerVersion(),
    };
    try {
      await probe(core, signal);
    } catch (err) {
      etcd.close();
      throw err;
    }
    if (config.autoSyncMs !== undefined) startAutoSync(core, config.autoSyncMs);
    return new ClusterBackend(core);
  }

  get config(): Config {
    return this.core.config;
  }

  // ---- key/value ----
  put(key: string, value: Value, options?: kv.PutOptions): Promise<kv.PutResult> {
    return kv.put(this.core, key, value, options);
  }
  get(key: string, options?: kv.ReadOptions): Promise<Buffer> {
    return kv.get(this.core, key, options);
  }
  find(key: string, options?: kv.ReadOptions): Promise<kv.KeyValue | undefined> {
    return kv.find(this.core, key, options);
  }
  exists(key: string, options?: kv.ReadOptions): Promise<boolean> {
    return kv.exists(this.core, key, options);
  }
  getMany(keys: Iterable<string>, options?: kv.GetManyOptions): Promise<kv.GetManyResult> {
    return kv.getMany(this.core, keys, options);
  }
  delete(key: string, options?: kv.DeleteOptions): Promise<kv.DeleteResult> {
    return kv.del(this.core, key, options);
  }
  bulkPut(entries: kv.Entries, options?: kv.BulkPutOptions): Promise<kv.BulkResult> {
    return kv.bulkPut(this.core, entries, options);
  }
  bulkDelete(keys: Iterable<string>, options?: kv.BulkOptions): Promise<kv.BulkResult> {
    return kv.bulkDelete(this.core, keys, options);
  }

  // ---- listings: the one-segment case of the segmented listing (kv/prefix.ts) ----
  list(prefix: string, options?: kv.ListOptions): Promise<string[]> {
    return kv.list(this.core, prefix, options);
  }
  listWithValues(prefix: string, options?: kv.ListOptions): Promise<Map<string, Buffer>> {
    return kv.listWithValues(this.core, prefix, options);
  }
  iterate(prefix: string, options?: kv.ListOptions): AsyncIterable<kv.KeyValue> {
    return kv.iterate(this.core, prefix, options);
  }
  getRange(start: string, end: string, options?: kv.ScanOptions): Promise<kv.KeyValue[]> {
    return kv.getRange(this.core, start, end, options);
  }
  count(prefix: string, options?: kv.PrefixOptions & CallOptions & kv.ConsistencyOptions): Promise<number> {
    return kv.count(this.core, prefix, options);
  }
  deletePrefix(prefix: string, options?: kv.DeletePrefixOptions): Promise<kv.DeletePrefixResult> {
    return kv.deletePrefix(this.core, prefix, options);
  }

  history(key: string, options?: kv.HistoryOptions): Promise<kv.KeyVersion[]> {
    return kv.history(this.core, key, options);
  }
  reencrypt(prefix: string, options?: ReencryptOptions): Promise<ReencryptResult> {
    return reencrypt(this.core, prefix, options);
  }

  // ---- transactions ----
  compareAndSwap(key: string, expected: Value | undefined, next: Value, options?: CasOptions): Promise<boolean> {
    return txn.compareAndSwap(this.core, key, expected, next, options);
  }
  putIfAbsent(key: string, value: Value, options?: CasOptions): Promise<boolean> {
    return txn.putIfAbsent(this.core, key, value, options);
  }
  txn(): TxnBuilder {
    return new txn.TxnBuilder(this.core);
  }
  stm<T>(fn: (tx: StmTx) => Promise<T> | T, options?: StmOptions): Promise<StmResult<T>> {
    return stm(this.core, fn, options);
  }

  // ---- watch ----
  watch(key: string, options?: WatchOptions): Promise<Watch> {
    return (async () => Watch.open(this.core, { key: this.core.keys.encode(key) }, options))();
  }
  watchPrefix(prefix: string, options?: PrefixWatchOptions): Promise<Watch> {
    return (async () => Watch.open(this.core, this.core.keys.prefixRange(prefix, options?.all), options))();
  }
  watchPartitioned(
    prefix: string,
    options?: PrefixWatchOptions & PartitionWatchOptions,
  ): Promise<PartitionedWatch<WatchEvent>> {
    return watchWhole(this, prefix, options);
  }
  mirror(prefix: string, options?: MirrorOptions): Promise<Mirror> {
    return Mirror.open(this.core, prefix, options);
  }

  // ---- leases and locks (a lease hint means nothing in one cluster) ----
  lease(ttlSeconds: number, options?: CallOptions & LeaseHint): Promise<Lease> {
    return grantLease(this.core, ttlSeconds, options);
  }
  session(options?: SessionOptions & LeaseHint): Promise<Session> {
    return openSession(this.core, options);
  }
  newLock(name: string, options?: LockOptions): Mutex {
    return new Mutex(this.core, name, options);
  }
  newRWLock(name: string, options?: RWLockOptions): RWMutex {
    return new RWMutex(this.core, name, options);
  }
  election(name: string, options?: ElectionOptions): Election {
    return new Election(this.core, name, options);
  }

  // ---- connection ----
  get connectionState(): ConnectionState {
    return this.core.caller.events.state;
  }
  onStateChange(listener: (event: ConnectionEvent) => void): () => void {
    return this.core.caller.events.subscribe(listener);
  }
  stateChanges(options?: StateChangesOptions): AsyncIterable<ConnectionEvent> {
    return this.core.caller.events.iterate(options);
  }

  // ---- partitions: one cluster is its own default partition ----
  partitionOf(key: string): string {
    if (typeof key !== 'string') throw new ValidationError(`key must be a string, got ${typeof key}`);
    return '';
  }
  partition(prefix: string): Backend {
    if (prefix !== '') throw new ValidationError(`no partition '${prefix}': this client has no partitions`);
    return this;
  }
  async partitionHealth(options?: CallOptions): Promise<PartitionHealth[]> {
    return [{ partition: '', endpoints: this.config.endpoints, health: await this.health(options) }];
  }

  // ---- admin ----
  snapshot(options?: SnapshotOptions): AsyncIterable<SnapshotChunk> {
    return admin.snapshot(this.core, options);
  }
  snapshotTo(destination: NodeJS.WritableStream, options?: SnapshotToOptions): Promise<SnapshotResult> {
    return admin.snapshotTo(this.core, destination, options);
  }
  revision(options?: CallOptions): Promise<number> {
    return admin.currentRevision(this.core, options);
  }
  compact(revision: number, options?: CallOptions & { physical?: boolean }): Promise<void> {
    return admin.compact(this.core, revision, options);
  }
  status(options?: CallOptions): Promise<EndpointStatus[]> {
    return admin.status(this.core, options);
  }
  health(options?: CallOptions): Promise<Health> {
    return admin.health(this.core, options);
  }
  members(options?: CallOptions): Promise<Member[]> {
    return admin.members(this.core, options);
  }
  #maintenance: Maintenance | undefined;
  get maintenance(): Maintenance {
    return (this.#maintenance ??= new Maintenance(this.core));
  }
  #cluster: ClusterAdmin | undefined;
  get cluster(): ClusterAdmin {
    return (this.#cluster ??= new ClusterAdmin(this.core));
  }
  #auth: AuthAdmin | undefined;
  get auth(): AuthAdmin {
    return (this.#auth ??= new AuthAdmin(this.core));
  }

  /** Stops the call layer, closes every open handle, then the connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.core.caller.close();
      const handles = [...this.core.resources];
      await Promise.allSettled(handles.map((h) => h.close()));
      this.core.etcd.close();
    })();
    return this.#closing;
  }
}
