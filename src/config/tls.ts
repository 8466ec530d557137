import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
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

const EXPECTED = 'must be PEM text (-----BEGIN ...), PEM bytes (a Buffer) or the path of a readable file';

// A private key must never reach a message, a log or a cause: it is shown by its
// length only, and Node's file error (which repeats the path, i.e. the value) is
// reduced to its code. Certificates are public, but are cut short all the same.
function material(field: string, value: string | Uint8Array | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Uint8Array) return Buffer.from(value);
  const secret = field === 'tls.key';
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(field, `${EXPECTED}, got ${secret ? describeSecret(value) : show(value)}`);
  }
  if (value.includes('-----BEGIN')) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (cause) {
    throw new ConfigError(field, unreadable(value, secret, (cause as NodeJS.ErrnoException).code));
  }
}

/**
 * Why a string that is not PEM could not be used as a path. The value is named
 * only when it plausibly is a path: short, no whitespace or control character,
 * and for the private key also a `.` or a leading `/` (base64 has neither a `.`
 * nor, for a key, a leading `/`: DER starts with 0x30, `M` in base64).
 */
function unreadable(value: string, secret: boolean, code: string | undefined): string {
  const reason = FILE_ERRORS[code ?? ''] ?? code ?? 'unreadable';
  const hint = /^LS0tLS1CRUdJTi/.test(value) ? ' (it looks like base64 of a PEM text: decode it first)' : '';
  const pathLike = value.length <= 256 && !/[\s\p{Cc}]/u.test(value);
  if (pathLike && (!secret || value.includes('.') || value.startsWith('/'))) {
    return `${EXPECTED}; cannot read file ${show(value)} (${reason})`;
  }
  const what = secret ? describeSecret(value) : show(value);
  return `${EXPECTED}; got ${what}, which is not PEM and not a readable file (${reason})${hint}`;
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'a directory',
  ENAMETOOLONG: 'too long for a file name',
};

function describeSecret(value: unknown): string {
  return typeof value === 'string' ? `a string of ${value.length} characters` : show(value);
}

/**
 * Loads the material into a TLS context now, so that a certificate or key
 * OpenSSL cannot read, or a key that is not the certificate's, is refused here
 * with the field named rather than with a raw OpenSSL error at connect time.
 */
function checkUsable(tls: { ca?: Buffer; cert?: Buffer; key?: Buffer }): void {
  const attempt = (field: string, options: SecureContextOptions, problem: string) => {
    try {
      createSecureContext(options);
    } catch (cause) {
      throw new ConfigError(field, `${problem} (${opensslReason(cause)})`, { cause });
    }
  };
  if (tls.ca) attempt('tls.ca', { ca: tls.ca }, 'is not a usable PEM certificate');
  if (tls.cert && tls.key) {
    attempt('tls.cert', { cert: tls.cert }, 'is not a usable PEM certificate');
    attempt('tls.key', { key: tls.key }, 'is not a usable PEM private key');
    attempt(
      'tls.key',
      { cert: tls.cert, key: tls.key },
      "does not match 'tls.cert' (it is not that certificate's key)",
    );
  }
}

// OpenSSL's text after its routine name ("error:05800074:x509 certificate routines::key values mismatch").
function opensslReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('::').pop()?.slice(0, 80) ?? message;
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
  checkUsable({ ca, cert, key });
  return Object.freeze({ ca, cert, key, insecureSkipVerify });
}
