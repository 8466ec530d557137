import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { ChannelCredentials } from '@grpc/grpc-js';
import type { Etcd3 } from 'etcd3';

interface CredentialsInternals {
  pool: { authenticator: { credentials: ChannelCredentials } };
}

/**
 * Stops `etcd`'s TLS connections to an IP endpoint from sending the IP as the
 * TLS server name (SNI). grpc-js sets `servername` to the endpoint's host, IP
 * addresses included, which RFC 6066 forbids: Node sends it anyway with a
 * deprecation warning (DEP0123), but Bun and Deno refuse the connection
 * (ERR_INVALID_ARG_VALUE), so `https://10.0.0.1:2379` could not be reached on
 * them. Without a server name the certificate is still checked against the
 * address (grpc-js also passes it as `host`).
 *
 * etcd3 gives its hosts and its authenticator one credentials object; it is
 * patched in place. Each connection attempt asks it for a new connector, whose
 * TLS options are a fresh object, so deleting the field there is safe.
 */
export function omitIpServerName(etcd: Etcd3): void {
  const credentials = (etcd as unknown as CredentialsInternals).pool.authenticator.credentials;
  const connector = credentials._createSecureConnector.bind(credentials);
  credentials._createSecureConnector = (...args) => {
    const secure = connector(...args) as ReturnType<typeof connector> & { connectionOptions?: ConnectionOptions };
    const options = secure.connectionOptions;
    if (options?.servername && isIP(options.servername)) delete options.servername;
    return secure;
  };
}
