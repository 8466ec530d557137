import { createSecureContext } from 'node:tls';
import { ChannelCredentials } from '@grpc/grpc-js';
import { Etcd3, type IOptions } from 'etcd3';
import { noop } from 'cockatiel';
import type { Config } from '../config/index.js';

/**
 * Builds the wrapped etcd3 client. etcd3's own fault handling (a blind global
 * retry that re-sends writes, and a per-host breaker) is switched off: every
 * call goes through etcdkit's call layer instead.
 */
export function createEtcd3(config: Config, endpoints: readonly string[] = config.endpoints): Etcd3 {
  const tls = config.tls;
  const options: IOptions = {
    hosts: endpoints.map((e) => (tls ? e.replace(/^http:/, 'https:') : e)),
    auth: config.auth && { username: config.auth.username, password: config.auth.password },
    faultHandling: { global: noop, host: () => noop },
    grpcOptions: {
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
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
