import type { CallOptions as GrpcCallOptions, ChannelCredentials, Metadata } from '@grpc/grpc-js';
import type { IPolicy } from 'cockatiel';
import type { Etcd3, IOptions } from 'etcd3';

// The private parts of etcd3 1.1.2 (lib/connection-pool.js) and grpc-js
// (channel-credentials.ts) this module relies on. This file is the only one
// that reaches them: every cast lives here, and internals.test.ts checks each
// shape on a real client so an upgrade that changes one fails loudly.

/** A grpc-js service client as etcd3's `Host#getServiceClient` creates it: methods by their camel-cased proto names. */
export type ServiceClient = Record<string, (...args: unknown[]) => unknown>;

/** One host of etcd3's pool: its lazily created gRPC channel reads these fields. */
export interface PoolHost {
  readonly host: string;
  channelCredentials: ChannelCredentials;
  readonly channelOptions: unknown;
  /** The policy given for this host (`faultHandling.host` of the options). */
  readonly faultHandling: HostGuard;
  /** The cached grpc-js client of `service` (e.g. `'KV'`) on this host, created on first use. */
  getServiceClient(service: string): ServiceClient;
  /** Closes this host's clients; the next call creates new ones (etcd3 does it after a recoverable error). */
  resetAllServices(): void;
  close(): void;
}

/** The gRPC client of one service on one host, as `withConnection` hands it out. */
export interface ServiceConnection {
  readonly client: ServiceClient;
  readonly metadata: unknown;
}

/** etcd3's private connection pool (`Etcd3#pool`). */
export interface Pool {
  hosts: PoolHost[];
  readonly options: IOptions;
  readonly authenticator: {
    credentials: ChannelCredentials;
    getMetadata(): Promise<Metadata>;
    invalidateMetadata(): void;
  };
  exec(service: string, method: string, request: unknown, options?: GrpcCallOptions): Promise<unknown>;
  withConnection<T>(service: string, fn: (c: ServiceConnection) => T): Promise<T>;
}

/** grpc-js' factory of each channel's TLS connector and its `tls.connect` options. */
export interface SecureConnectorFactory {
  _createSecureConnector(...args: unknown[]): { connectionOptions?: { servername?: string } };
}

/** The pool of `etcd` (a protected field in etcd3's types). */
export function poolOf(etcd: Etcd3): Pool {
  return (etcd as unknown as { pool: Pool }).pool;
}

/** The connector factory of `credentials` (internal to grpc-js). */
export function connectorFactoryOf(credentials: ChannelCredentials): SecureConnectorFactory {
  return credentials as unknown as SecureConnectorFactory;
}

/**
 * What etcd3's pool calls on a host's fault-handling policy: only `execute`
 * (lib/connection-pool.js, `withConnection` and `markFailed`; streams go that
 * way). Unary calls go through the `Wire` (wire.ts), which uses `admit` and
 * `settle` instead when the guard has them (cockatiel's `noop` has not).
 */
export interface HostGuard {
  execute<T>(fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T>;
  /**
   * Whether a call may go to this host now, given the endpoints the call
   * should avoid; `undefined` when it may, else the error refusing it (the
   * call then tries the next host).
   */
  admit?(avoid: ReadonlySet<string> | undefined): Error | undefined;
  /** Records how a call this guard admitted ended: `undefined` for success. */
  settle?(error: Error | undefined): void;
  /** The endpoint guarded, as the config names it. */
  readonly endpoint?: string;
}

/** A {@link HostGuard} as the full cockatiel policy etcd3's options are typed with. */
export function asHostPolicy(guard: HostGuard): IPolicy {
  return guard as unknown as IPolicy;
}

/**
 * Where a unary call of grpc-js got to, as grpc-js' own deadline error words
 * it (resolving-call.ts, retrying-call.ts, load-balancing-call.ts): e.g.
 * `['waiting for name resolution']`, `['Waiting for LB pick']` (no transport
 * chosen: nothing sent) or `['LB pick: 0.001s', 'remote_addr=127.0.0.1:2379']`.
 * `undefined` when the call's private shape is not the expected one: the
 * caller must then assume the request may have been sent.
 */
export function callProgress(call: unknown): string[] | undefined {
  try {
    // ClientUnaryCallImpl.call (BaseUnaryInterceptingCall, no interceptors) .call (ResolvingCall)
    const resolving = (call as { call?: { call?: ResolvingCallShape } }).call?.call;
    if (resolving === undefined || !('child' in resolving)) return undefined;
    const retrying = resolving.child;
    if (retrying === null) return ['waiting for name resolution'];
    const info = retrying.getDeadlineInfo();
    if (!Array.isArray(info)) return undefined;
    return info.length === 0 ? ['Waiting for LB pick'] : info; // no attempt started yet
  } catch {
    return undefined;
  }
}

interface ResolvingCallShape {
  readonly child: { getDeadlineInfo(): unknown } | null;
}
