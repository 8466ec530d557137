import type { EtcdKitError } from '../errors/index.js';

/**
 * What one client call is, as published on the `etcdkit:call` tracing
 * channel and handed to a {@link Telemetry} plugin. `endpoint` and `attempt`
 * follow the call: they name the latest attempt.
 */
export interface CallContext {
  /** The operation, e.g. `'put'`, `'get'`, `'txn'`, `'lease.grant'`, `'lock.acquire'`. */
  readonly operation: string;
  /** `read`: safe to repeat; `write`: repeated only when it provably never reached a server. */
  readonly kind: 'read' | 'write';
  /** The endpoint of the latest attempt (`http://host:port`), once known. */
  endpoint: string | undefined;
  /** The number of the latest attempt, from 1. */
  attempt: number;
  /** The partition's prefix, on a partitioned client (`''`: the default partition). */
  readonly partition?: string;
  /** The key (without namespace), only when keys are recorded ({@link Telemetry.recordKeys}). */
  readonly key?: string;
  /** Set by the tracing channel when the call failed. */
  error?: unknown;
  /** Set by the tracing channel when the call succeeded. */
  result?: unknown;
}

/** Published on `etcdkit:retry`: a failed attempt of a call is about to be tried again. */
export interface RetryInfo {
  /** The operation being retried. */
  readonly operation: string;
  /** Its kind. */
  readonly kind: 'read' | 'write';
  /** The number of the attempt about to start (2 for the first retry). */
  readonly attempt: number;
  /** The endpoint that failed the previous attempt, when known. */
  readonly endpoint: string | undefined;
  /** Why the previous attempt failed. */
  readonly error: EtcdKitError;
  /** The partition's prefix, on a partitioned client. */
  readonly partition?: string;
}

/** Published on `etcdkit:circuit`: an endpoint's circuit breaker opened (calls avoid it) or closed again. */
export interface CircuitInfo {
  /** The endpoint. */
  readonly endpoint: string;
  /** Its circuit's new state. */
  readonly state: 'open' | 'closed';
  /** The failure that opened it. */
  readonly error?: EtcdKitError;
  /** The partition's prefix, on a partitioned client. */
  readonly partition?: string;
}

/**
 * Published on `etcdkit:watch`.
 * - `reconnect`: the watch's stream broke; it reconnects after a backoff.
 * - `resume`: a new stream was created, resuming from `fromRevision` (nothing is missed).
 * - `delivered`: events of one revision arrived; `lag` is the revision the
 *   server was at minus the revision delivered (0: the watch is current).
 */
export type WatchInfo =
  | {
      /** What happened. */
      readonly type: 'reconnect';
      /** The number of the reconnection attempt, from 1. */
      readonly attempt: number;
      /** The failure behind it. */
      readonly error: EtcdKitError;
      /** The partition's prefix, on a partitioned client. */
      readonly partition?: string;
    }
  | {
      /** What happened. */
      readonly type: 'resume';
      /** The revision the new stream starts from. */
      readonly fromRevision: number;
      /** The partition's prefix, on a partitioned client. */
      readonly partition?: string;
    }
  | {
      /** What happened. */
      readonly type: 'delivered';
      /** How many events arrived. */
      readonly count: number;
      /** The revision delivered. */
      readonly revision: number;
      /** The server's revision minus the revision delivered. */
      readonly lag: number;
      /** The partition's prefix, on a partitioned client. */
      readonly partition?: string;
    };

/**
 * Published on `etcdkit:lease`.
 * - `renewed`: a keep-alive was answered after `latencyMs`.
 * - `renewal-missed`: a keep-alive went unanswered (the stream is replaced).
 * - `lost`: the lease expired or was revoked elsewhere; its keys are gone.
 */
export type LeaseInfo =
  | {
      /** What happened. */
      readonly type: 'renewed';
      /** The lease id (hex, as etcdctl shows it). */
      readonly leaseId: string;
      /** The TTL the server granted, in seconds. */
      readonly ttl: number;
      /** How long the renewal took to be answered, in milliseconds. */
      readonly latencyMs: number;
      /** The partition's prefix, on a partitioned client. */
      readonly partition?: string;
    }
  | {
      /** What happened. */
      readonly type: 'renewal-missed';
      /** The lease id (hex, as etcdctl shows it). */
      readonly leaseId: string;
      /** The partition's prefix, on a partitioned client. */
      readonly partition?: string;
    }
  | {
      /** What happened. */
      readonly type: 'lost';
      /** The lease id (hex, as etcdctl shows it). */
      readonly leaseId: string;
      /** The failure behind it. */
      readonly error: EtcdKitError;
      /** The partition's prefix, on a partitioned client. */
      readonly partition?: string;
    };

/**
 * Published on `etcdkit:lock` for mutexes, read-write locks and elections.
 * `name` is only present when keys are recorded.
 * - `acquired`: after waiting `waitMs`.
 * - `released`: unlocked or closed.
 * - `lost`: lost while held (its session's lease ended or its key was deleted).
 */
export type LockInfo =
  | {
      /** What happened. */
      readonly type: 'acquired';
      /** The recipe: `'lock'`, `'rwlock'` or `'election'`. */
      readonly lock: string;
      /** The lock or election name, only when keys are recorded. */
      readonly name?: string;
      /** How long the acquisition took, in milliseconds. */
      readonly waitMs: number;
      /** The partition's prefix, on a partitioned client. */
      readonly partition?: string;
    }
  | {
      /** What happened. */
      readonly type: 'released';
      /** The recipe: `'lock'`, `'rwlock'` or `'election'`. */
      readonly lock: string;
      /** The lock or election name, only when keys are recorded. */
      readonly name?: string;
      /** The partition's prefix, on a partitioned client. */
      readonly partition?: string;
    }
  | {
      /** What happened. */
      readonly type: 'lost';
      /** The recipe: `'lock'`, `'rwlock'` or `'election'`. */
      readonly lock: string;
      /** The lock or election name, only when keys are recorded. */
      readonly name?: string;
      /** The failure behind it. */
      readonly error: EtcdKitError;
      /** The partition's prefix, on a partitioned client. */
      readonly partition?: string;
    };

/**
 * Published on `etcdkit:listener` when a listener or callback of yours threw:
 * a loss listener (`onLost` of a lease, session, lock or election), a
 * connection-state listener (`onStateChange`) or a watch callback. The error
 * is contained there: the process goes on and the other listeners are still
 * called. It is also written to the configured logger, at level `error`.
 */
export interface ListenerErrorInfo {
  /** Where the listener was registered, e.g. `'lease.onLost'`, `'lock.onLost'`, `'client.onStateChange'`, `'watch.callback'`. */
  readonly source: string;
  /** What the listener threw. */
  readonly error: unknown;
  /** The partition's prefix, on a partitioned client. */
  readonly partition?: string;
}

/** Any event published on one of the named channels, tagged with its channel. */
export type TelemetryEvent =
  | {
      /** The channel, without its `etcdkit:` prefix. */
      readonly channel: 'retry';
      /** What was published. */
      readonly info: RetryInfo;
    }
  | {
      /** The channel, without its `etcdkit:` prefix. */
      readonly channel: 'circuit';
      /** What was published. */
      readonly info: CircuitInfo;
    }
  | {
      /** The channel, without its `etcdkit:` prefix. */
      readonly channel: 'watch';
      /** What was published. */
      readonly info: WatchInfo;
    }
  | {
      /** The channel, without its `etcdkit:` prefix. */
      readonly channel: 'lease';
      /** What was published. */
      readonly info: LeaseInfo;
    }
  | {
      /** The channel, without its `etcdkit:` prefix. */
      readonly channel: 'lock';
      /** What was published. */
      readonly info: LockInfo;
    }
  | {
      /** The channel, without its `etcdkit:` prefix. */
      readonly channel: 'listener';
      /** What was published. */
      readonly info: ListenerErrorInfo;
    };

/** What a {@link Telemetry} plugin follows about one call; created by {@link Telemetry.startCall}. */
export interface CallObserver {
  /** One attempt ended: `error` is undefined when it succeeded. */
  attempt?(call: CallContext, error: EtcdKitError | undefined): void;
  /** The call is about to be tried again (also published on `etcdkit:retry`). */
  retry?(info: RetryInfo): void;
  /** The call settled: `error` is undefined when it succeeded. */
  end(call: CallContext, error: EtcdKitError | undefined): void;
}

/**
 * A telemetry plugin: what {@link Config.withTelemetry} accepts. etcdkit calls
 * it; it never needs `@opentelemetry/api` itself. `openTelemetry()` from
 * `etcdkit/opentelemetry` returns one.
 *
 * @example
 * ```ts
 * const counting: Telemetry = {
 *   startCall: (call) => ({ end: (c, error) => count(c.operation, error ? 'error' : 'ok') }),
 * };
 * const config = Config.defaults().withTelemetry(counting);
 * ```
 */
export interface Telemetry {
  /**
   * Record keys on calls and lock names on lock events, for the plugin and for
   * diagnostics_channel subscribers (keys can be sensitive). A plugin of only
   * `{ recordKeys: true }` turns it on for channel subscribers. @default false
   */
  readonly recordKeys?: boolean;
  /** Called synchronously when a call starts, in the caller's async context. */
  startCall?(call: CallContext): CallObserver | undefined;
  /** Called with every retry, circuit, watch, lease, lock and listener event. */
  event?(event: TelemetryEvent): void;
}

/**
 * A pino-compatible logger: what {@link Config.withLogger} accepts. Each method
 * is called as `(fields, message)`.
 *
 * @example `Config.defaults().withLogger(pino({ level: 'info' }))`
 */
export interface Logger {
  /** Detail: each retry. */
  debug(fields: Record<string, unknown>, message: string): void;
  /** Recovery: a circuit closed, a watch resumed. */
  info(fields: Record<string, unknown>, message: string): void;
  /** Trouble worked around or reported: reconnects, failovers, circuit opens, lease and lock loss. */
  warn(fields: Record<string, unknown>, message: string): void;
  /** Every endpoint unreachable; a listener or callback of yours threw. */
  error(fields: Record<string, unknown>, message: string): void;
}
