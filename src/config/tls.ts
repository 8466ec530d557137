import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/index.js';
import { show } from './validate.js';

/** Material for a TLS or mutual-TLS connection. Each value is PEM text, PEM bytes, or a file path. */
export interface TLSOptions {
  /** The CA that signed the server certificate. Defaults to the system's trusted CAs. */
  ca?: string | Uint8Array;
  /** Client certificate for mutual TLS (needs `key`). */
  cert?: string | Uint8Array;
  /** Client private key for mutual TLS (needs `cert`). */
  key?: string | Uint8Array;
  /**
   * Skip verification of the server certificate (chain and host name).
   * For tests only: it removes TLS's protection against impostors.
   * @default false
   */
  insecureSkipVerify?: boolean;
}

/** TLS material with every file read. */
export interface ResolvedTLS {
  /** The CA certificate (PEM), when one was given. */
  readonly ca?: Buffer;
  /** The client certificate (PEM), for mutual TLS. */
  readonly cert?: Buffer;
  /** The client private key (PEM), for mutual TLS. */
  readonly key?: Buffer;
  /** True when the server certificate is not verified (tests only). */
  readonly insecureSkipVerify: boolean;
}

function material(field: string, value: string | Uint8Array | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(field, `must be PEM text, bytes or a file path, got ${show(value)}`);
  }
  if (value.includes('-----BEGIN')) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (cause) {
    throw new ConfigError(field, `cannot read file ${show(value)}: ${(cause as Error).message}`, { cause });
  }
}

/** Reads and checks TLS material; throws {@link ConfigError} naming the field at fault. */
export function resolveTLS(options: TLSOptions): ResolvedTLS {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('tls', `must be an object, got ${show(options)}`);
  }
  const ca = material('tls.ca', options.ca);
  const cert = material('tls.cert', options.cert);
  const key = material('tls.key', options.key);
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError(
      cert ? 'tls.key' : 'tls.cert',
      'is required when the other half of the client certificate is given',
    );
  }
  const insecureSkipVerify = options.insecureSkipVerify ?? false;
  if (typeof insecureSkipVerify !== 'boolean') {
    throw new ConfigError('tls.insecureSkipVerify', `must be a boolean, got ${show(insecureSkipVerify)}`);
  }
  return Object.freeze({ ca, cert, key, insecureSkipVerify });
}
