import { ConfigError } from '../errors/index.js';
import { durationProblem } from './duration.js';
import { show } from './show.js';

export { show } from './show.js';

/**
 * A duration in whole milliseconds for the config `field` (see
 * {@link durationProblem}), at most `max`.
 */
export function durationMs(field: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const problem = durationProblem(value, true);
  if (problem !== undefined) throw new ConfigError(field, problem);
  if ((value as number) > max) throw new ConfigError(field, `must be at most ${max} milliseconds, got ${show(value)}`);
  return value as number;
}

export function nonEmptyString(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(field, `must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

/**
 * Accepts `host:port`, `http://host:port` or `https://host:port` and returns
 * the URL form with its scheme.
 */
export function endpoint(value: unknown): string {
  const raw = nonEmptyString('endpoints', value).trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (cause) {
    throw new ConfigError('endpoints', `must be host:port or an http(s) URL, got ${show(value)}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('endpoints', `must use http:// or https://, got ${show(value)}`);
  }
  if (!url.port || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError('endpoints', `must be host:port with an explicit port, got ${show(value)}`);
  }
  return `${url.protocol}//${url.host}`;
}
