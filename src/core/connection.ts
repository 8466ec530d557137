import { createSecureContext } from 'node:tls';
import { ChannelCredentials, type CallOptions as GrpcCallOptions } from '@grpc/grpc-js';
import { Etcd3, type IOptions } from 'etcd3';
import { noop, type IPolicy } from 'cockatiel';
import type { Config, ResolvedTLS } from '../config/index.js';
import { requireLeader } from './call.js';
import { withoutIpServerName } from './server-name.js';

/** The fault-handling policy etcd3 runs each call to one endpoint through. */
export type HostPolicy = (endpoint: string) => IPolicy;

/**
 * Builds the wrapped etcd3 client. etcd3's own fault handling (a blind global
 * retry that re-sends writes, and a per-host breaker that counts any
 * "recoverable" error) is replaced: there is no global policy, since every call
 * goes through etcdkit's call layer, and each host runs `hostPolicy` (the
 * client's per-endpoint circuit breakers; none for single-endpoint probes).
 */
export function createEtcd3(
  config: Config,
  endpoints: readonly string[] = config.endpoints,
  hostPolicy: HostPolicy = () => noop,
): Etcd3 {
  const tls = config.tls;
  const hosts = endpoints.map((e) => (tls ? e.replace(/^http:/, 'https:') : e));
  const options: IOptions = {
    hosts,
    auth: config.auth && { username: config.auth.username, password: config.auth.password },
    // Every stream etcd3 opens (watches, including its own watch manager that
    // lock waits and election observers use, and lease keep-alives) gets these
    // options unless the caller passes its own.
    ...(config.requireLeader ? { defaultCallOptions: streamOptions } : {}),
    faultHandling: { global: noop, host: (host) => hostPolicy(endpoints[hosts.indexOf(host)] ?? host) },
    grpcOptions: {
      // A member that stops answering without closing its connection (hung,
      // partitioned) is found by these pings: no ack within the timeout closes
      // the connection and fails its calls. etcd's server policy
      // (embed/etcd.go: MinTime --grpc-keepalive-min-time, 5 s by default;
      // PermitWithoutStream false) counts a ping more frequent than every 5 s,
      // or any ping on a connection without an open call or stream, as a
      // strike, and the third strike since its last response gets GOAWAY
      // "too_many_pings". So pings go only while a call or stream is open
      // (every 10 s); a connection idle for longer than that sends one with its
      // next call (grpc-js does so when the timer ran out while idle), which
      // finds a hung member within the 5 s timeout of that call's start.
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 0,
      // grpc-js backs off reconnection up to 120 s by default: a member that
      // comes back would be ignored that long. Cap it so it is found quickly.
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2_000,
    },
  };
  const etcd = new Etcd3(options);
  if (config.secure) useCredentials(etcd, tlsCredentials(tls));
  if (config.auth) reauthenticateOnOldRevision(etcd);
  return etcd;
}

const OLD_AUTH_REVISION = 'revision of auth store is old';

// etcd refuses a request whose token was issued before the latest change to
// users, roles or permissions ("revision of auth store is old"), before
// applying it. Go's client then fetches a new token and retries once; etcd3
// only does that for an invalid token, so it is added here.
function reauthenticateOnOldRevision(etcd: Etcd3): void {
  const { pool } = etcd as unknown as PoolInternals;
  const exec = pool.exec.bind(pool);
  pool.exec = async (...args) => {
    try {
      return await exec(...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes(OLD_AUTH_REVISION)) throw err;
      pool.authenticator.invalidateMetadata();
      return exec(...args);
    }
  };
}

/**
 * Points `etcd` at `endpoints` from now on: hosts still listed keep their
 * connections and streams, new ones are added, and the others are closed
 * (their streams fail and are re-established on the remaining hosts).
 * etcd3 takes a fixed host list; its pool reads the list on every call, and
 * its authenticator reads it from the options, so both are replaced.
 */
export function setHosts(etcd: Etcd3, config: Config, endpoints: readonly string[], hostPolicy: HostPolicy): void {
  const { pool } = etcd as unknown as PoolInternals;
  const template = pool.hosts[0];
  if (!template || endpoints.length === 0) return;
  const wire = (e: string) => (config.tls ? e.replace(/^http:/, 'https:') : e);
  const bare = (e: string) => wire(e).replace(/^https?:\/\//, '');
  const wanted = new Set(endpoints.map(bare));
  const kept = pool.hosts.filter((h) => wanted.has(h.host));
  for (const h of pool.hosts) if (!wanted.has(h.host)) h.close();
  const Host = template.constructor as new (url: string, c: ChannelCredentials, o: unknown, p: IPolicy) => PoolHost;
  for (const e of endpoints) {
    if (kept.some((h) => h.host === bare(e))) continue;
    kept.push(new Host(wire(e), template.channelCredentials, template.channelOptions, hostPolicy(e)));
  }
  pool.hosts = kept;
  pool.options.hosts = endpoints.map(wire);
}

function streamOptions(context: { isStream: boolean }): GrpcCallOptions {
  return context.isStream ? { interceptors: [requireLeader] } : {};
}

/**
 * The credentials of every TLS connection: the configured CA (else the
 * system's trusted CAs) and client certificate, or no verification at all
 * when `insecureSkipVerify` is set.
 */
function tlsCredentials(tls: ResolvedTLS | undefined): ChannelCredentials {
  if (!tls?.insecureSkipVerify) {
    return withoutIpServerName(ChannelCredentials.createSsl(tls?.ca ?? null, tls?.key ?? null, tls?.cert ?? null));
  }
  const context = createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
  return withoutIpServerName(
    ChannelCredentials.createFromSecureContext(context, {
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    }),
  );
}

interface PoolHost {
  readonly host: string;
  channelCredentials: ChannelCredentials;
  readonly channelOptions: unknown;
  close(): void;
}

interface PoolInternals {
  pool: {
    hosts: PoolHost[];
    options: IOptions;
    authenticator: { credentials: ChannelCredentials; invalidateMetadata(): void };
    exec(...args: unknown[]): Promise<unknown>;
  };
}

// etcd3 takes no credentials object of its own (none for unverified TLS, none
// without the IP server-name fix); its hosts create their gRPC channels lazily
// from these fields, so setting them before the first call is enough.
function useCredentials(etcd: Etcd3, credentials: ChannelCredentials): void {
  const { pool } = etcd as unknown as PoolInternals;
  for (const host of pool.hosts) host.channelCredentials = credentials;
  pool.authenticator.credentials = credentials;
}
