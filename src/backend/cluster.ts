import type { Config } from '../config/index.js';
import { createCodec } from '../codec/index.js';
import { Caller } from '../core/call.js';
import { ServerVersion } from '../core/server.js';
import { createEtcd3, createRpc } from '../transport/index.js';
import type { Core } from '../core/core.js';
import { ValidationError } from '../errors/index.js';
import { Keyspace } from '../keys/index.js';
import { AuthAdmin, ClusterAdmin, Maintenance, startAutoSync } from '../admin/index.js';
import type { ConnectionEvent, ConnectionState, StateChangesOptions } from '../resilience/index.js';
import { oneCluster, type PrefixOptions, type Segments } from '../kv/index.js';
import type { Cluster } from './backend.js';
import { probe } from './probe.js';

/**
 * One etcd cluster: owns its {@link Core} (connection, keyspace, value
 * codec, call layer, open handles) and its admin handles. As a backend it is
 * its own only partition: every key and prefix routes to it, errors pass
 * through unlabelled.
 */
export class ClusterBackend implements Cluster {
  readonly core: Core;
  readonly clusters: ReadonlyMap<string, Cluster>;
  #closing: Promise<void> | undefined;

  private constructor(core: Core) {
    this.core = core;
    this.clusters = new Map([['', this]]);
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

  // ---- routing: one cluster is its own default partition ----
  partitionOf(key: string): string {
    if (typeof key !== 'string') throw new ValidationError(`key must be a string, got ${typeof key}`);
    return '';
  }
  assertSamePartition(_keys: Iterable<string>, _op?: string, _prefixes?: Iterable<string>): string {
    return '';
  }
  within<T>(_partition: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }
  spanning(prefix: string, options: PrefixOptions = {}): Segments {
    return oneCluster(this.core, this.core.keys.prefixRange(prefix, options.all));
  }
  spanningRange(start: string, end: string): Segments {
    return oneCluster(this.core, this.core.keys.range(start, end));
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

  // ---- admin handles, made on first use ----
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
