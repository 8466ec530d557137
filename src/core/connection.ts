import { createSecureContext } from 'node:tls';
import { ChannelCredentials, type CallOptions as GrpcCallOptions } from '@grpc/grpc-js';
import { Etcd3, type IOptions } from 'etcd3';
import { noop, type IPolicy } from 'cockatiel';
import type { Config } from '../config/index.js';
import { requireLeader } from './call.js';

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
      // the connection and fails its calls. etcd refuses pings more frequent
      // than every 5 s (--grpc-keepalive-min-time) with GOAWAY "too_many_pings".
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      // grpc-js backs off reconnection up to 120 s by default: a member that
      // comes back would be ignored that long. Cap it so it is found quickly.
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2_000,
    },
  };
  if (tls && !tls.insecureSkipVerify) {
    // grpc-js falls back to the system roots when no CA is given.
    options.credentials = { rootCertificate: tls.ca as Buffer, privateKey: tls.cert && tls.key, certChain: tls.cert };
  }
  const etcd = new Etcd3(options);
  if (tls?.insecureSkipVerify) useCredentials(etcd, insecureCredentials(config));
  return etcd;
}

function streamOptions(context: { isStream: boolean }): GrpcCallOptions {
  return context.isStream ? { interceptors: [requireLeader] } : {};
}

function insecureCredentials(config: Config): ChannelCredentials {
  const tls = config.tls!;
  const context = createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
  return ChannelCredentials.createFromSecureContext(context, {
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
  });
}

interface PoolInternals {
  pool: { hosts: Array<{ channelCredentials: ChannelCredentials }>; authenticator: { credentials: ChannelCredentials } };
}

// etcd3 has no option for unverified TLS; its hosts create their gRPC
// channels lazily from these fields, so setting them before the first call
// is enough.
function useCredentials(etcd: Etcd3, credentials: ChannelCredentials): void {
  const { pool } = etcd as unknown as PoolInternals;
  for (const host of pool.hosts) host.channelCredentials = credentials;
  pool.authenticator.credentials = credentials;
}
