import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { ChannelCredentials } from '@grpc/grpc-js';
import type { Etcd3 } from 'etcd3';
import type { ResolvedTLS } from '../config/index.js';
import { connectorFactoryOf, poolOf } from './internals.js';

/**
 * grpc-js sets the TLS server name (SNI) to the endpoint's host even when it
 * is an IP address, which RFC 6066 forbids: Node sends it with a DEP0123
 * warning on stderr, and Bun and Deno refuse the connection
 * (ERR_INVALID_ARG_VALUE). Without it the certificate is still checked
 * against the IP (tls.connect's `host`), so only the forbidden SNI is dropped.
 * Each connection attempt asks for a new connector whose TLS options are a
 * fresh object, so deleting the field there is safe.
 */
export function withoutIpServerName(credentials: ChannelCredentials): ChannelCredentials {
  const internal = connectorFactoryOf(credentials);
  const create = internal._createSecureConnector.bind(credentials);
  internal._createSecureConnector = (...args) => {
    const connector = create(...args);
    const name = connector.connectionOptions?.servername;
    if (typeof name === 'string' && isIP(name) !== 0) delete connector.connectionOptions?.servername;
    return connector;
  };
  return credentials;
}

/** The same, for an etcd3 client built from plain options (its hosts and authenticator share one credentials object). */
export function omitIpServerName(etcd: Etcd3): void {
  withoutIpServerName(poolOf(etcd).authenticator.credentials);
}

/**
 * The credentials of every TLS connection: the configured CA (else the
 * system's trusted CAs) and client certificate, or no verification at all
 * when `insecureSkipVerify` is set.
 */
export function tlsCredentials(tls: ResolvedTLS | undefined): ChannelCredentials {
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

// etcd3 takes no credentials object of its own (none for unverified TLS, none
// without the IP server-name fix); its hosts create their gRPC channels lazily
// from these fields, so setting them before the first call is enough.
export function useCredentials(etcd: Etcd3, credentials: ChannelCredentials): void {
  const pool = poolOf(etcd);
  for (const host of pool.hosts) host.channelCredentials = credentials;
  pool.authenticator.credentials = credentials;
}
