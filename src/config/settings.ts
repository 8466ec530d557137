import { ConfigError } from '../errors/index.js';
import type { Logger, Telemetry } from '../telemetry/types.js';
import { MAX_TIMER_MS } from './duration.js';
import { compression, keyRing, type CompressionSettings, type EncryptionSettings } from './encryption.js';
import { reportedEndpoints, storedEndpoint } from './endpoints.js';
import { checkLogger, checkTelemetry } from './observe.js';
import {
  READ_BATCHING_DEFAULTS,
  readBatching,
  readConsistency,
  writeBatching,
  type ReadBatching,
  type ReadConsistency,
  type WriteBatching,
} from './reads.js';
import {
  BREAKER,
  RETRY,
  resolveBreaker,
  resolveRetry,
  type CircuitBreakerOptions,
  type RetryOptions,
} from './resilience.js';
import { resolveTLS, type ResolvedTLS } from './tls.js';
import { configWhole } from './checks.js';
import { durationMs, nonEmptyString, show } from './validate.js';

/** User name and password for etcd's built-in authentication. */
export interface AuthOptions {
  /** The etcd user name. */
  readonly username: string;
  /** The user's password (hidden by {@link Config.toJSON}). */
  readonly password: string;
}

/** What printing a setting may depend on besides its own value. */
interface PrintContext {
  /** The config uses TLS: endpoints without a scheme are `https://`. */
  readonly secure: boolean;
}

/**
 * Everything said about one setting of a Config, said once: its default,
 * the check its `with…` method applies and how `toJSON` shows it. Its
 * one-line description is the TSDoc comment of its entry in {@link SETTINGS}:
 * the API docs show it on {@link DEFAULTS}, and the configuration guide's
 * table takes it from there.
 */
interface Setting<T, D extends T, A extends unknown[]> {
  /** The `with…` methods that set it, in the guide's order. */
  readonly methods: readonly string[];
  /** Its value in `Config.defaults()`; `undefined` (or an empty list) means none. */
  readonly default: D;
  /** Checks what the first of `methods` was given; returns the value stored, or throws {@link ConfigError}. */
  readonly check?: (...input: A) => T;
  /** How `toJSON` (and `DEFAULTS`) show the value; the value itself when absent. */
  readonly print?: (value: T, context: PrintContext) => unknown;
  /** Internal: neither printed nor documented. */
  readonly internal?: true;
}

function setting<T, D extends T = T, A extends unknown[] = [T]>(s: Setting<T, D, A>): Setting<T, D, A> {
  return Object.freeze(s);
}

const NONE = Object.freeze([]);

/** What {@link Partition} is to this table, without importing `Config` (which imports the table). */
interface PartitionEntry {
  readonly prefix: string;
  readonly config: { toJSON(): unknown };
}

/**
 * The settings of a Config, in the order `toJSON` and the guide list them.
 * `Config.defaults()`, {@link DEFAULTS}, `toJSON` and the table in
 * docs/configuration.md are all made from this (a unit test compares the
 * guide with it).
 */
export const SETTINGS = Object.freeze({
  /** The etcd members to use, as `host:port` or `http(s)://host:port`. */
  endpoints: setting<readonly string[], readonly string[], string[]>({
    methods: ['withEndpoints'],
    // Stored without a scheme: with TLS it is https://localhost:2379.
    default: Object.freeze(['//localhost:2379']),
    check: (...urls) => {
      if (urls.length === 0) throw new ConfigError('endpoints', 'must list at least one endpoint, got none');
      return Object.freeze([...new Set(urls.map(storedEndpoint))]);
    },
    print: (value, { secure }) => reportedEndpoints(value, secure),
  }),
  /** Deadline of each attempt of each request, in milliseconds. */
  timeoutMs: setting<number>({
    methods: ['withTimeout'],
    default: 5000,
    check: (ms) => durationMs('timeout', ms),
  }),
  /** How long `Client.connect` waits for an endpoint to answer, in milliseconds. */
  dialTimeoutMs: setting<number>({
    methods: ['withDialTimeout'],
    default: 5000,
    check: (ms) => durationMs('dialTimeout', ms, MAX_TIMER_MS),
  }),
  /** User name and password for etcd authentication (the password is never printed). */
  auth: setting<AuthOptions | undefined, undefined, [string, string]>({
    methods: ['withAuth'],
    default: undefined,
    check: (username, password) => {
      nonEmptyString('auth.username', username);
      if (typeof password !== 'string') {
        throw new ConfigError('auth.password', `must be a string, got ${show(password)}`);
      }
      return Object.freeze({ username, password });
    },
    print: (value) => value && { username: value.username, password: '<redacted>' },
  }),
  /** TLS, or mutual TLS with `cert` and `key`. */
  tls: setting<ResolvedTLS | undefined, undefined, [Parameters<typeof resolveTLS>[0]]>({
    methods: ['withTLS'],
    default: undefined,
    check: resolveTLS,
    print: (value) =>
      value && { ca: !!value.ca, cert: !!value.cert, key: !!value.key, insecureSkipVerify: value.insecureSkipVerify },
  }),
  /** Prefix added to every key sent and stripped from every key returned. */
  namespace: setting<string>({
    methods: ['withNamespace'],
    default: '',
    check: (prefix) => {
      if (typeof prefix !== 'string') throw new ConfigError('namespace', `must be a string, got ${show(prefix)}`);
      // A lone surrogate has no UTF-8 form: it would be stored as U+FFFD.
      if (/\p{Cs}/u.test(prefix)) {
        throw new ConfigError('namespace', 'must be well-formed Unicode, got a lone surrogate');
      }
      return prefix;
    },
  }),
  /** Most operations in one transaction: the server's `--max-txn-ops`. */
  maxTxnOps: setting<number>({
    methods: ['withMaxTxnOps'],
    default: 128,
    check: (n) => configWhole('maxTxnOps', n, { unit: 'operations' }),
  }),
  /** Largest request in bytes (1.5 MiB): the server's `--max-request-bytes`. */
  maxRequestBytes: setting<number>({
    methods: ['withMaxRequestBytes'],
    default: 1.5 * 1024 * 1024,
    check: (n) => configWhole('maxRequestBytes', n, { unit: 'bytes' }),
  }),
  /** AES-256-GCM encryption of every value, with key rotation. */
  encryption: setting<EncryptionSettings | undefined, undefined, [Parameters<typeof keyRing>[0]]>({
    methods: ['withEncryption', 'withEncryptionKeys'],
    default: undefined,
    check: keyRing,
    print: (value) =>
      value && { primary: value.primary, keyIds: [...value.keys.keys()], allowPlaintext: value.allowPlaintext },
  }),
  /** Compression of values above a size, before encryption. */
  compression: setting<CompressionSettings | undefined, undefined, [Parameters<typeof compression>[0]]>({
    methods: ['withCompression'],
    default: undefined,
    check: compression,
  }),
  /** Attempts per call and backoff; reads, and writes that never reached a server, are retried. */
  retry: setting<RetryOptions | false, RetryOptions, [Parameters<typeof resolveRetry>[0]]>({
    methods: ['withRetry'],
    default: RETRY,
    check: resolveRetry,
  }),
  /** When an endpoint is skipped after failures, and when it is tried again. */
  circuitBreaker: setting<CircuitBreakerOptions, CircuitBreakerOptions, [Parameters<typeof resolveBreaker>[0]]>({
    methods: ['withCircuitBreaker'],
    default: BREAKER,
    check: resolveBreaker,
  }),
  /** Streams carry etcd's `hasleader`, so a member cut off from the leader ends them. */
  requireLeader: setting<boolean>({
    methods: ['withRequireLeader'],
    default: true,
    check: (on) => {
      if (typeof on !== 'boolean') throw new ConfigError('requireLeader', `must be true or false, got ${show(on)}`);
      return on;
    },
  }),
  /** Key prefixes served by other etcd clusters. */
  partitions: setting<readonly PartitionEntry[]>({
    methods: ['withPartition'],
    default: NONE,
    print: (value) => value.map((p) => ({ prefix: p.prefix, config: p.config.toJSON() })),
  }),
  /** How often the endpoints are refreshed from the cluster's member list, in milliseconds. */
  autoSyncMs: setting<number | undefined, undefined>({
    methods: ['withAutoSync'],
    default: undefined,
    check: (ms) => durationMs('autoSync', ms, MAX_TIMER_MS),
  }),
  /** A telemetry plugin such as `openTelemetry()`. */
  telemetry: setting<Telemetry | undefined, undefined, [Telemetry]>({
    methods: ['withTelemetry'],
    default: undefined,
    check: checkTelemetry,
    print: (value) => value !== undefined,
  }),
  /** A pino-compatible logger for reconnects, failovers and losses. */
  logger: setting<Logger | undefined, undefined, [Logger]>({
    methods: ['withLogger'],
    default: undefined,
    check: checkLogger,
    print: (value) => value !== undefined,
  }),
  /** The partition a config serves, for telemetry. */
  telemetryPartition: setting<string | undefined, undefined>({
    methods: [], // set by withTelemetryFrom(), a function of config/, not a method
    default: undefined,
    internal: true,
  }),
  /** How reads are served unless a call says otherwise: `'linearizable'` or `'serializable'`. */
  readConsistency: setting<ReadConsistency, 'linearizable', [ReadConsistency]>({
    methods: ['withReadConsistency'],
    default: 'linearizable',
    check: readConsistency,
  }),
  /** Concurrent single-key reads sent together as one read-only transaction; `false` turns it off. */
  readBatching: setting<ReadBatching | false, ReadBatching, [Parameters<typeof readBatching>[0]]>({
    methods: ['withReadBatching'],
    default: READ_BATCHING_DEFAULTS,
    check: readBatching,
  }),
  /** Concurrent writes to distinct keys sent together as one transaction; off by default. */
  writeBatching: setting<WriteBatching | false, false, [Parameters<typeof writeBatching>[0]]>({
    methods: ['withWriteBatching'],
    default: false,
    check: writeBatching,
  }),
});

type Settings = typeof SETTINGS;

/** The name of a setting (as `toJSON` and {@link DEFAULTS} spell it). */
export type SettingName = keyof Settings;

/** What a Config holds: one value per setting. */
export type SettingValues = {
  readonly [K in SettingName]: Settings[K] extends Setting<infer T, infer _D, infer _A> ? T : never;
};

/** The default of each setting, with its own (narrower) type. */
export type SettingDefaults = {
  readonly [K in SettingName]: Settings[K]['default'];
};

/** The input the check of setting `K` takes. */
export type SettingInput<K extends SettingName> = Settings[K] extends Setting<infer _T, infer _D, infer A> ? A : never;

/** Every setting's name, in the table's order. */
export const SETTING_NAMES = Object.freeze(Object.keys(SETTINGS) as SettingName[]);

/** The values of `Config.defaults()`. */
export function defaultValues(): SettingValues {
  const entries = SETTING_NAMES.map((name) => [name, SETTINGS[name].default]);
  return Object.fromEntries(entries) as SettingValues;
}

/** Runs the check of setting `name` on what its `with…` method was given. */
export function checkSetting<K extends SettingName>(name: K, ...input: SettingInput<K>): SettingValues[K] {
  const check = (SETTINGS[name] as { check?: (...a: unknown[]) => unknown }).check;
  // Every with… method that calls this names a setting with a check (the table's type says which).
  return check!(...input) as SettingValues[K];
}

/** How `toJSON` shows setting `name`; `undefined` leaves the field out. */
export function printSetting(name: SettingName, value: unknown, context: PrintContext): unknown {
  const print = (SETTINGS[name] as { print?: (v: unknown, c: PrintContext) => unknown }).print;
  return print ? print(value, context) : value;
}

/** The settings a user sees (the internal ones left out). */
export function publicSettings(): SettingName[] {
  return SETTING_NAMES.filter((name) => !(SETTINGS[name] as { internal?: true }).internal);
}
