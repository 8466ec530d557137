import { isIP } from 'node:net';
import type { ChannelCredentials } from '@grpc/grpc-js';
import type { Etcd3 } from 'etcd3';

// grpc-js internals (channel-credentials.ts): the factory of each channel's TLS connector and its tls.connect options.
interface SecureConnectorFactory {
  _createSecureConnector(...args: unknown[]): { connectionOptions?: { servername?: string } };
}

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
  const internal = credentials as unknown as SecureConnectorFactory;
  const create = internal._createSecureConnector.bind(credentials);
  internal._createSecureConnector = (...args) => {
    const connector = create(...args);
    const name = connector.connectionOptions?.servername;
    if (typeof name === 'string' && isIP(name) !== 0) delete connector.connectionOptions?.servername;
    return connector;
  };
  return credentials;
}

interface CredentialsInternals {
  pool: { authenticator: { credentials: ChannelCredentials } };
}

/** The same, for an etcd3 client built from plain options (its hosts and authenticator share one credentials object). */
export function omitIpServerName(etcd: Etcd3): void {
  withoutIpServerName((etcd as unknown as CredentialsInternals).pool.authenticator.credentials);
}
