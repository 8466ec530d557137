import { ConfigError } from '../errors/index.js';
import { endpoint } from './validate.js';

// An endpoint given without a scheme (`host:port`) is kept as `//host:port`
// until the config knows whether it uses TLS; only then is it reported as
// `http://` or `https://`, so that what is shown is what goes on the wire.

/** The stored form of one endpoint: its URL when a scheme was given, `//host:port` when not. */
export function storedEndpoint(value: unknown): string {
  const url = endpoint(value);
  const explicit = typeof value === 'string' && /^\s*[a-z][a-z0-9+.-]*:\/\//i.test(value);
  return explicit ? url : url.replace(/^http:/, '');
}

/** The endpoints as reported and dialled: `https://` for those without a scheme when `secure`. */
export function reportedEndpoints(stored: readonly string[], secure: boolean): readonly string[] {
  const scheme = secure ? 'https:' : 'http:';
  return Object.freeze([...new Set(stored.map((e) => (e.startsWith('//') ? scheme + e : e)))]);
}

/** True when any endpoint was given as `https://`: TLS with the system's trusted CAs. */
export function anyHttps(stored: readonly string[]): boolean {
  return stored.some((e) => e.startsWith('https:'));
}

/**
 * Refuses an `http://` endpoint on a config that uses TLS (`withTLS`, or an
 * `https://` endpoint): the connection would use TLS all the same, and the
 * endpoint would say otherwise.
 */
export function checkSchemes(stored: readonly string[], tls: boolean): void {
  const plain = stored.find((e) => e.startsWith('http:'));
  if (plain === undefined) return;
  if (tls) {
    throw new ConfigError('endpoints', `has "${plain}" but TLS is configured (withTLS): use https:// or host:port`);
  }
  const secure = stored.find((e) => e.startsWith('https:'));
  if (secure !== undefined) {
    throw new ConfigError(
      'endpoints',
      `mixes "${plain}" and "${secure}": one client uses TLS on every endpoint or on none; use one scheme (or host:port)`,
    );
  }
}
