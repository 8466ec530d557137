import { inspect } from 'node:util';
import { ConfigError } from '../errors/index.js';
import { DEFAULTS } from './defaults.js';
import { resolveTLS, type ResolvedTLS, type TLSOptions } from './tls.js';
import { endpoint, nonEmptyString, positiveInt, show } from './validate.js';
import type { Partition } from './partition.js';

/** User name and password for etcd's built-in authentication. */
export interface AuthOptions {
  readonly username: string;
  readonly password: string;
}

/** Everything a {@link Config} holds. Read it through the getters of {@link Config}. */
interface ConfigState {
  readonly endpoints: readonly string[];
  readonly timeoutMs: number;
  readonly dialTimeoutMs: number;
  readonly auth: AuthOptions | undefined;
  readonly tls: ResolvedTLS | undefined;
  readonly namespace: string;
  readonly maxTxnOps: number;
  readonly maxRequestBytes: number;
  readonly partitions: readonly Partition[];
}

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

  private constructor(state: ConfigState) {
    this.#state = Object.freeze(state);
    Object.freeze(this);
  }

  /** The defaults listed in {@link DEFAULTS}: `localhost:2379`, 5 s timeouts, etcd's default limits. */
  static defaults(): Config {
    return new Config({
      endpoints: DEFAULTS.endpoints,
      timeoutMs: DEFAULTS.timeoutMs,
      dialTimeoutMs: DEFAULTS.dialTimeoutMs,
      auth: undefined,
      tls: undefined,
      namespace: DEFAULTS.namespace,
      maxTxnOps: DEFAULTS.maxTxnOps,
      maxRequestBytes: DEFAULTS.maxRequestBytes,
      partitions: Object.freeze([]),
    });
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
   * @throws {@link ConfigError} when a variable holds a bad value.
   */
  static fromEnv(env: Record<string, string | undefined> = process.env): Config {
    let config = Config.defaults();
    const get = (name: string) => (env[name]?.trim() ? env[name] : undefined);
    const endpoints = get('ETCD_ENDPOINTS');
    if (endpoints) config = config.withEndpoints(...endpoints.split(',').map((e) => e.trim()).filter(Boolean));
    const username = get('ETCD_USERNAME');
    if (username) config = config.withAuth(username, env.ETCD_PASSWORD ?? '');
    const ca = get('ETCD_CACERT');
    const cert = get('ETCD_CERT');
    const key = get('ETCD_KEY');
    if (ca || cert || key) config = config.withTLS({ ca, cert, key });
    return config;
  }

  /** Endpoint URLs (`http://host:port` or `https://host:port`). */
  get endpoints(): readonly string[] {
    return this.#state.endpoints;
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
    return this.#state.tls !== undefined || this.#state.endpoints.some((e) => e.startsWith('https:'));
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

  /**
   * The etcd endpoints to use, as `host:port` or `http(s)://host:port`.
   * @example `Config.defaults().withEndpoints('etcd1:2379', 'etcd2:2379', 'etcd3:2379')`
   */
  withEndpoints(...urls: string[]): Config {
    if (urls.length === 0) throw new ConfigError('endpoints', 'must list at least one endpoint, got none');
    return this.#with({ endpoints: Object.freeze([...new Set(urls.map(endpoint))]) });
  }

  /** Per-request deadline. @default 5000 */
  withTimeout(ms: number): Config {
    return this.#with({ timeoutMs: positiveInt('timeout', ms, 'milliseconds') });
  }

  /** How long {@link Client.connect} waits for an endpoint to answer. @default 5000 */
  withDialTimeout(ms: number): Config {
    return this.#with({ dialTimeoutMs: positiveInt('dialTimeout', ms, 'milliseconds') });
  }

  /** Authenticate as this etcd user. */
  withAuth(username: string, password: string): Config {
    nonEmptyString('auth.username', username);
    if (typeof password !== 'string') throw new ConfigError('auth.password', `must be a string, got ${show(password)}`);
    return this.#with({ auth: Object.freeze({ username, password }) });
  }

  /**
   * Connect with TLS; give `cert` and `key` for mutual TLS. Files are read
   * now, so a missing file fails here rather than at connect time.
   * @example `config.withTLS({ ca: '/etc/etcd/ca.pem', cert: '/etc/etcd/client.pem', key: '/etc/etcd/client-key.pem' })`
   */
  withTLS(options: TLSOptions): Config {
    return this.#with({ tls: resolveTLS(options) });
  }

  /**
   * Prefix every key with `prefix`: keys are prefixed on the way in and the
   * prefix is stripped on the way out, so code sees its own keys only.
   * @default ''
   */
  withNamespace(prefix: string): Config {
    if (typeof prefix !== 'string') throw new ConfigError('namespace', `must be a string, got ${show(prefix)}`);
    return this.#with({ namespace: prefix });
  }

  /** Match the server's `--max-txn-ops`. @default 128 */
  withMaxTxnOps(n: number): Config {
    return this.#with({ maxTxnOps: positiveInt('maxTxnOps', n, 'operations') });
  }

  /** Match the server's `--max-request-bytes`. @default 1572864 */
  withMaxRequestBytes(n: number): Config {
    return this.#with({ maxRequestBytes: positiveInt('maxRequestBytes', n, 'bytes') });
  }

  /** Partitions added with {@link Config.withPartition}, in the order added; this config itself serves every other key. */
  get partitions(): readonly Partition[] {
    return this.#state.partitions;
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

  /** The same configuration without its partitions: what the default partition uses. */
  withoutPartitions(): Config {
    return this.#with({ partitions: Object.freeze([]) });
  }

  /** A plain description with the password hidden, for logs. */
  toJSON(): Record<string, unknown> {
    const s = this.#state;
    return {
      endpoints: s.endpoints,
      timeoutMs: s.timeoutMs,
      dialTimeoutMs: s.dialTimeoutMs,
      auth: s.auth && { username: s.auth.username, password: '<redacted>' },
      tls: s.tls && { ca: !!s.tls.ca, cert: !!s.tls.cert, key: !!s.tls.key, insecureSkipVerify: s.tls.insecureSkipVerify },
      namespace: s.namespace,
      maxTxnOps: s.maxTxnOps,
      maxRequestBytes: s.maxRequestBytes,
      partitions: s.partitions.map((p) => ({ prefix: p.prefix, config: p.config.toJSON() })),
    };
  }

  /** @internal */
  [inspect.custom](): string {
    return `Config ${inspect(this.toJSON())}`;
  }

  #with(patch: Partial<ConfigState>): Config {
    return new Config({ ...this.#state, ...patch });
  }
}
