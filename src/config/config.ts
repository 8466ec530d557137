import { inspect } from 'node:util';
import { ConfigError } from '../errors/index.js';
import type { ResolvedTLS, TLSOptions } from './tls.js';
import {
  singleKey,
  type CompressionOptions,
  type CompressionSettings,
  type EncryptionKey,
  type EncryptionKeysOptions,
  type EncryptionOptions,
  type EncryptionSettings,
} from './encryption.js';
import { nonEmptyString, show } from './validate.js';
import { anyHttps, checkSchemes, reportedEndpoints } from './endpoints.js';
import type { CircuitBreakerOptions, RetryOptions } from './resilience.js';
import type { Logger, Telemetry } from '../telemetry/types.js';
import type {
  ReadBatching,
  ReadBatchingOptions,
  ReadConsistency,
  WriteBatching,
  WriteBatchingOptions,
} from './reads.js';
import {
  checkSetting,
  defaultValues,
  printSetting,
  publicSettings,
  type AuthOptions,
  type SettingInput,
  type SettingName,
  type SettingValues,
} from './settings.js';

export type { AuthOptions } from './settings.js';

/** Everything a {@link Config} holds, one value per setting of the table in settings.ts. */
type ConfigState = SettingValues;

/** A part of the keyspace served by its own etcd cluster: every key starting with `prefix`. */
export interface Partition {
  /** The key prefix this partition owns (the longest matching prefix wins). */
  readonly prefix: string;
  /** How to reach and use that cluster (endpoints, auth, TLS, namespace, encryption…). */
  readonly config: Config;
}

// Set by the class's static block: how the internal functions at the end of this file reach a config's state.
let stateOf: (config: Config) => ConfigState;
let patched: (config: Config, patch: Partial<ConfigState>) => Config;

/**
 * Immutable client configuration. Start from {@link Config.defaults} or
 * {@link Config.fromEnv}; every `with…` method returns a new frozen Config and
 * throws {@link ConfigError} naming the field when given a bad value.
 *
 * @example
 * ```ts
 * const config = Config.defaults()
 *   .withEndpoints('10.0.0.1:2379', '10.0.0.2:2379')
 *   .withTimeout(2000)
 *   .withNamespace('/myapp/');
 * const client = await Client.connect(config);
 * ```
 */
export class Config {
  readonly #state: ConfigState;
  readonly #endpoints: readonly string[];

  private constructor(state: ConfigState) {
    this.#state = Object.freeze(state);
    this.#endpoints = reportedEndpoints(state.endpoints, this.secure);
    Object.freeze(this);
  }

  /** Every setting at its default (see {@link DEFAULTS} and the table in the configuration guide). */
  static defaults(): Config {
    return new Config(defaultValues());
  }

  /**
   * Defaults overridden by the environment: `ETCD_ENDPOINTS` (comma-separated),
   * `ETCD_USERNAME` and `ETCD_PASSWORD`, `ETCD_CACERT`, `ETCD_CERT` and
   * `ETCD_KEY` (file paths or PEM text). Unset or empty variables are ignored.
   *
   * @example
   * ```ts
   * const client = await Client.connect(Config.fromEnv());
   * ```
   * @throws {@link ConfigError} when a variable holds a bad value, or `env` is not an object.
   */
  static fromEnv(env: Record<string, string | undefined> = process.env): Config {
    if (env === null || typeof env !== 'object') throw new ConfigError('env', `must be an object, got ${show(env)}`);
    let config = Config.defaults();
    const get = (name: string) => (env[name]?.trim() ? env[name] : undefined);
    const endpoints = get('ETCD_ENDPOINTS');
    if (endpoints)
      config = config.withEndpoints(
        ...endpoints
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean),
      );
    const username = get('ETCD_USERNAME');
    if (username) config = config.withAuth(username, env.ETCD_PASSWORD ?? '');
    const ca = get('ETCD_CACERT');
    const cert = get('ETCD_CERT');
    const key = get('ETCD_KEY');
    if (ca || cert || key) config = config.withTLS({ ca, cert, key });
    return config;
  }

  /**
   * Endpoint URLs: `https://host:port` when the config uses TLS (see {@link Config.secure}),
   * else `http://host:port`. An endpoint given as `host:port` takes the scheme TLS implies.
   */
  get endpoints(): readonly string[] {
    return this.#endpoints;
  }
  /** Per-request deadline in milliseconds. */
  get timeoutMs(): number {
    return this.#state.timeoutMs;
  }
  /** Connect deadline in milliseconds. */
  get dialTimeoutMs(): number {
    return this.#state.dialTimeoutMs;
  }
  /** Credentials, when authentication is configured. */
  get auth(): AuthOptions | undefined {
    return this.#state.auth;
  }
  /** TLS material, when TLS is configured. */
  get tls(): ResolvedTLS | undefined {
    return this.#state.tls;
  }
  /** True when connections use TLS (TLS configured, or an `https://` endpoint). */
  get secure(): boolean {
    return this.#state.tls !== undefined || anyHttps(this.#state.endpoints);
  }
  /** Prefix added to every key. */
  get namespace(): string {
    return this.#state.namespace;
  }
  /** Most operations one transaction may hold. */
  get maxTxnOps(): number {
    return this.#state.maxTxnOps;
  }
  /** Largest request the server accepts, in bytes. */
  get maxRequestBytes(): number {
    return this.#state.maxRequestBytes;
  }
  /** Encryption keys and options, when encryption is configured. */
  get encryption(): EncryptionSettings | undefined {
    return this.#state.encryption;
  }
  /** Compression settings, when compression is configured. */
  get compression(): CompressionSettings | undefined {
    return this.#state.compression;
  }

  /**
   * The etcd endpoints to use, as `host:port` or `http(s)://host:port`. With TLS
   * (see {@link Config.withTLS}) give `host:port` or `https://host:port`.
   * @example `Config.defaults().withEndpoints('etcd1:2379', 'etcd2:2379', 'etcd3:2379')`
   * @throws {@link ConfigError} for a malformed endpoint, an `http://` endpoint when TLS is
   * configured, or `http://` and `https://` endpoints mixed.
   */
  withEndpoints(...urls: string[]): Config {
    return this.#set('endpoints', ...urls);
  }

  /**
   * Refreshes the endpoint list from the cluster's member list every
   * `intervalMs` (as Go's `AutoSyncInterval`), so members added or replaced
   * after connecting are used without a restart, and removed ones are dropped.
   * Off unless set. See {@link ClusterAdmin.sync}.
   * @example `Config.defaults().withEndpoints('10.0.0.1:2379').withAutoSync(30_000)`
   * @throws {@link ConfigError} when `intervalMs` is not a positive whole number up to 2147483647.
   */
  withAutoSync(intervalMs: number): Config {
    return this.#set('autoSyncMs', intervalMs);
  }

  /** How often the endpoint list is refreshed from the member list, in ms; `undefined` when off. */
  get autoSyncMs(): number | undefined {
    return this.#state.autoSyncMs;
  }

  /**
   * Per-request deadline, in milliseconds: a positive whole number. Any
   * length is honoured; gRPC deadlines beyond what grpc-js can send
   * (99,999,999 hours) are sent as that.
   * @default 5000
   * @throws {@link ConfigError} for a value that is not a positive whole number.
   */
  withTimeout(ms: number): Config {
    return this.#set('timeoutMs', ms);
  }

  /**
   * How long {@link Client.connect} waits for an endpoint to answer, in
   * milliseconds: a positive whole number up to 2147483647 (about 24.8 days,
   * the longest single timer Node keeps).
   * @default 5000
   * @throws {@link ConfigError} for a value that is not a positive whole number, or a larger one.
   */
  withDialTimeout(ms: number): Config {
    return this.#set('dialTimeoutMs', ms);
  }

  /** Authenticate as this etcd user. */
  withAuth(username: string, password: string): Config {
    return this.#set('auth', username, password);
  }

  /**
   * Connect with TLS; give `cert` and `key` for mutual TLS. Files are read
   * now, so a missing file fails here rather than at connect time. Endpoints
   * given as `host:port` are then `https://` ones.
   * @example `config.withTLS({ ca: '/etc/etcd/ca.pem', cert: '/etc/etcd/client.pem', key: '/etc/etcd/client-key.pem' })`
   * @throws {@link ConfigError} naming the field: material that is neither PEM nor a readable file
   * (the private key itself is never shown), a certificate or key OpenSSL cannot load, a key that
   * does not match `cert`, or an `http://` endpoint.
   */
  withTLS(options: TLSOptions): Config {
    return this.#set('tls', options);
  }

  /**
   * Prefix every key with `prefix`: keys are prefixed on the way in and the
   * prefix is stripped on the way out, so code sees its own keys only.
   * @default ''
   */
  withNamespace(prefix: string): Config {
    return this.#set('namespace', prefix);
  }

  /** Match the server's `--max-txn-ops`. @default 128 */
  withMaxTxnOps(n: number): Config {
    return this.#set('maxTxnOps', n);
  }

  /** Match the server's `--max-request-bytes`. @default 1572864 */
  withMaxRequestBytes(n: number): Config {
    return this.#set('maxRequestBytes', n);
  }

  /**
   * Encrypt every value with AES-256-GCM under this key (stored under key id
   * `'default'`). Values written before encryption was turned on fail to read
   * with {@link DecryptionError} unless `allowPlaintext` is set.
   * Replaces any keys set before.
   *
   * @example `Config.fromEnv().withEncryption(process.env.ETCDKIT_KEY!)` (64 hex digits or 44 base64 characters)
   * @throws {@link ConfigError} when the key is not exactly 32 bytes.
   */
  withEncryption(key: EncryptionKey, options?: EncryptionOptions): Config {
    return this.#with({ encryption: singleKey(key, options) });
  }

  /**
   * Encrypt with the `primary` key; decrypt with any of `keys` (each value
   * records the id of the key that sealed it). For key rotation: see
   * {@link Client.reencrypt}. Replaces any keys set before.
   *
   * @example
   * ```ts
   * config.withEncryptionKeys({ primary: 'k2', keys: { k1: oldKeyHex, k2: newKeyHex } });
   * ```
   * @throws {@link ConfigError} for a key that is not 32 bytes, a bad key id, or a primary not among the keys.
   */
  withEncryptionKeys(options: EncryptionKeysOptions): Config {
    return this.#set('encryption', options);
  }

  /**
   * Compress values longer than `threshold` bytes (before encrypting them)
   * when that makes them smaller. Readers need compression configured (any
   * settings) or encryption to read such values.
   *
   * @example `config.withCompression({ threshold: 4096, algorithm: 'brotli' })`
   * @throws {@link ConfigError} for a negative threshold or an unknown algorithm.
   */
  withCompression(options?: CompressionOptions): Config {
    return this.#set('compression', options);
  }

  /** How calls are retried; `false` when retries are off. */
  get retry(): RetryOptions | false {
    return this.#state.retry;
  }
  /** The per-endpoint circuit breaker settings. */
  get circuitBreaker(): CircuitBreakerOptions {
    return this.#state.circuitBreaker;
  }

  /**
   * How calls are retried, or `false` to try every call once. Reads (get,
   * list, count, members...) are retried on transient failures (unreachable
   * endpoint, deadline, no leader); writes only when the request provably
   * never reached a server. Delays grow exponentially from `initialDelayMs`
   * to `maxDelayMs`, with jitter. Missing fields keep their defaults.
   * Each attempt has the full per-request timeout.
   * @default { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 2000 }
   * @example `Config.defaults().withRetry({ maxAttempts: 10, maxDelayMs: 5000 })`
   * @throws {@link ConfigError} for a non-integer or out-of-range field.
   */
  withRetry(options: Partial<RetryOptions> | false): Config {
    return this.#set('retry', options);
  }

  /**
   * The circuit breaker kept for each endpoint: after `threshold` consecutive
   * connection-level failures (unreachable, deadline, no leader) the endpoint
   * is skipped and calls go to the others; after `halfOpenAfterMs` one call
   * tests it again, and a success puts it back in use.
   * @default { threshold: 3, halfOpenAfterMs: 5000 }
   * @example `Config.defaults().withCircuitBreaker({ threshold: 2, halfOpenAfterMs: 1000 })`
   * @throws {@link ConfigError} for a non-integer or out-of-range field.
   */
  withCircuitBreaker(options: Partial<CircuitBreakerOptions>): Config {
    return this.#set('circuitBreaker', options);
  }

  /** Whether watch and keep-alive streams ask etcd to cancel them when their member loses the leader. */
  get requireLeader(): boolean {
    return this.#state.requireLeader;
  }

  /**
   * Open every stream (watches, lease keep-alives, lock waits, election
   * observers) with etcd's `hasleader` metadata. A member cut off from the
   * leader then cancels them (about three election timeouts later) and they
   * resume on another member from the revision after the last event
   * delivered; without it they stay open and silent for as long as the
   * member is partitioned. Unary calls carry it regardless.
   * @default true
   * @example `Config.defaults().withRequireLeader(false)`
   * @throws {@link ConfigError} when `on` is not a boolean.
   */
  withRequireLeader(on: boolean): Config {
    return this.#set('requireLeader', on);
  }

  /** Partitions added with {@link Config.withPartition}, in the order added; this config itself serves every other key. */
  get partitions(): readonly Partition[] {
    // The table types partitions structurally (it cannot import Config); withPartition stores only Partitions.
    return this.#state.partitions as readonly Partition[];
  }

  /**
   * Serve every key starting with `prefix` from another etcd cluster,
   * described by its own full `config`. This config remains the default,
   * serving every key no partition owns; the longest matching prefix wins.
   * @example `Config.defaults().withEndpoints('etcd-main:2379').withPartition('/registry/events/', Config.defaults().withEndpoints('etcd-events:2379'))`
   * @throws {@link ConfigError} for an empty or duplicate prefix, or a partition config that has partitions itself.
   */
  withPartition(prefix: string, config: Config): Config {
    nonEmptyString('partition.prefix', prefix);
    if (!(config instanceof Config)) throw new ConfigError('partition.config', `must be a Config, got ${show(config)}`);
    if (config.partitions.length > 0) {
      throw new ConfigError('partition.config', `of ${show(prefix)} must not have partitions itself`);
    }
    if (this.#state.partitions.some((p) => p.prefix === prefix)) {
      throw new ConfigError('partition.prefix', `must be unique, got ${show(prefix)} twice`);
    }
    const partition = Object.freeze({ prefix, config });
    return this.#with({ partitions: Object.freeze([...this.#state.partitions, partition]) });
  }

  /**
   * Publishes calls and events to a telemetry plugin, such as `openTelemetry()`
   * from `etcdkit/opentelemetry`. diagnostics_channel subscribers need no
   * plugin; pass `{ recordKeys: true }` to let them see keys too.
   * @example `Config.defaults().withTelemetry(openTelemetry({ tracerProvider, meterProvider }))`
   * @throws {@link ConfigError} when `telemetry` is not a plugin object.
   */
  withTelemetry(telemetry: Telemetry): Config {
    return this.#set('telemetry', telemetry);
  }

  /**
   * Logs reconnects, failovers, circuit changes, lease loss and lock loss to
   * a pino-compatible logger (never values or passwords). Silent by default.
   * @example `Config.defaults().withLogger(pino())`
   * @throws {@link ConfigError} when `logger` lacks `debug`, `info`, `warn` or `error`.
   */
  withLogger(logger: Logger): Config {
    return this.#set('logger', logger);
  }

  /** The telemetry plugin, if any. */
  get telemetry(): Telemetry | undefined {
    return this.#state.telemetry;
  }

  /** The logger, if any. */
  get logger(): Logger | undefined {
    return this.#state.logger;
  }

  // Hands the functions below (the partitioned backend's and the call layer's) a config's state: not members.
  static {
    stateOf = (config) => config.#state;
    patched = (config, patch) => config.#with(patch);
  }

  /** How reads are served unless a call says otherwise. */
  get readConsistency(): ReadConsistency {
    return this.#state.readConsistency;
  }
  /** Read batching settings; `false` when off. */
  get readBatching(): ReadBatching | false {
    return this.#state.readBatching;
  }
  /** Write batching settings; `false` when off (the default). */
  get writeBatching(): WriteBatching | false {
    return this.#state.writeBatching;
  }

  /**
   * How reads are served when a call does not say (`consistency` on each
   * read overrides it). `'serializable'` reads are answered by the member
   * they reach without asking the leader: they work on a member that lost
   * quorum, but may miss recent writes (stale).
   * @default 'linearizable'
   * @example `Config.defaults().withReadConsistency('serializable')`
   * @throws {@link ConfigError} for anything but `'linearizable'` or `'serializable'`.
   */
  withReadConsistency(consistency: ReadConsistency): Config {
    return this.#set('readConsistency', consistency);
  }

  /**
   * Read batching (on by default): single-key linearizable reads (get,
   * getString, getJSON, find, exists) without a `revision`, issued while an
   * earlier read is in flight, are sent together as one read-only
   * transaction. An idle client sends a read at once. `false` turns it off.
   * @default { maxBatch: 128 }
   * @example `Config.defaults().withReadBatching(false)`
   * @throws {@link ConfigError} for a `maxBatch` that is not a positive whole number.
   */
  withReadBatching(options: ReadBatchingOptions | false): Config {
    return this.#set('readBatching', options);
  }

  /**
   * Write batching (off by default): puts and deletes to distinct keys issued
   * while another write is in flight are sent together as one transaction.
   * Writes of one batch share one revision and commit or fail together; two
   * writes to the same key never share a batch. `false` turns it off.
   * See docs/key-value.md for the exact semantics.
   * @default false
   * @example `Config.defaults().withWriteBatching({ maxBatch: 64, maxDelayMs: 2 })`
   * @throws {@link ConfigError} for a bad `maxBatch` or `maxDelayMs`.
   */
  withWriteBatching(options: WriteBatchingOptions | false = {}): Config {
    return this.#set('writeBatching', options);
  }

  /** A plain description with the password hidden, for logs: every setting, as the configuration guide names it. */
  toJSON(): Record<string, unknown> {
    const context = { secure: this.secure };
    const out: Record<string, unknown> = {};
    for (const name of publicSettings()) {
      const shown = printSetting(name, this.#state[name], context);
      if (shown !== undefined) out[name] = shown;
    }
    return out;
  }

  /** How `console.log` and `util.inspect` show a Config: its {@link Config.toJSON}, the password hidden. */
  [inspect.custom](): string {
    return `Config ${inspect(this.toJSON())}`;
  }

  /** A new Config with setting `name` set from `input`, checked by the setting's own check. */
  #set<K extends SettingName>(name: K, ...input: SettingInput<K>): Config {
    return this.#with({ [name]: checkSetting(name, ...input) });
  }

  #with(patch: Partial<ConfigState>): Config {
    const state = { ...this.#state, ...patch };
    if (patch.endpoints || patch.tls) checkSchemes(state.endpoints, state.tls !== undefined);
    return new Config(state);
  }
}

/** The partition `config` serves, for telemetry; `undefined` outside partitions. */
export function telemetryPartitionOf(config: Config): string | undefined {
  return stateOf(config).telemetryPartition;
}

/** A partition's `config` with the `parent`'s telemetry and logger (unless it has its own), labelled with its prefix. */
export function withTelemetryFrom(config: Config, parent: Config, partition: string): Config {
  const own = stateOf(config);
  const p = stateOf(parent);
  return patched(config, {
    telemetry: own.telemetry ?? p.telemetry,
    logger: own.logger ?? p.logger,
    telemetryPartition: partition,
  });
}

/** The same configuration without its partitions: what the default partition uses. */
export function withoutPartitions(config: Config): Config {
  return patched(config, { partitions: Object.freeze([]) });
}
