import type { CallOptions as GrpcCallOptions } from '@grpc/grpc-js';
import { Etcd3, type IOptions } from 'etcd3';
import { noop } from 'cockatiel';
import type { Config } from '../config/index.js';
import { reauthenticateOnOldRevision } from './auth.js';
import { tlsCredentials, useCredentials } from './credentials.js';
import { asHostPolicy, type HostGuard } from './internals.js';
import { requireLeader } from './leader.js';

/** The fault-handling guard etcd3 runs each call to one endpoint through. */
export type HostPolicy = (endpoint: string) => HostGuard;

/** An endpoint as etcd3's hosts take it: `https://` when the config uses TLS. */
export function wireEndpoint(config: Config, endpoint: string): string {
  return config.tls ? endpoint.replace(/^http:/, 'https:') : endpoint;
}

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
  const hosts = endpoints.map((e) => wireEndpoint(config, e));
  const options: IOptions = {
    hosts,
    auth: config.auth && { username: config.auth.username, password: config.auth.password },
    // Every stream etcd3 opens (watches, including its own watch manager that
    // lock waits and election observers use, and lease keep-alives) gets these
    // options unless the caller passes its own.
    ...(config.requireLeader ? { defaultCallOptions: streamOptions } : {}),
    faultHandling: {
      global: noop,
      host: (host) => asHostPolicy(hostPolicy(endpoints[hosts.indexOf(host)] ?? host)),
    },
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
  if (config.secure) useCredentials(etcd, tlsCredentials(config.tls));
  if (config.auth) reauthenticateOnOldRevision(etcd);
  return etcd;
}

function streamOptions(context: { isStream: boolean }): GrpcCallOptions {
  return context.isStream ? { interceptors: [requireLeader] } : {};
}
