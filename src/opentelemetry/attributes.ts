import type { Attributes } from '@opentelemetry/api';
import type { EtcdKitError } from '../errors/index.js';

const servers = new Map<string, Attributes>();

/** `server.address` and `server.port` of an endpoint URL (parsed once per endpoint). */
export function serverAttributes(endpoint: string | undefined): Attributes {
  if (endpoint === undefined) return {};
  let attrs = servers.get(endpoint);
  if (!attrs) {
    try {
      const url = new URL(endpoint);
      attrs = { 'server.address': url.hostname.replace(/^\[|\]$/g, ''), 'server.port': Number(url.port) };
    } catch {
      attrs = { 'server.address': endpoint };
    }
    servers.set(endpoint, attrs);
  }
  return attrs;
}

/** `error.type`: the stable etcdkit error code, else the error's name. */
export function errorType(error: unknown): string {
  const code = (error as EtcdKitError | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : '_OTHER';
}
