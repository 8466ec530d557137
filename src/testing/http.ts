import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { EtcdTLSFiles } from './types.js';

/** Sends one small HTTP(S) request to an etcd client URL and parses the JSON reply. */
export function etcdHttp(
  endpoint: string,
  path: string,
  tls: EtcdTLSFiles | undefined,
  body?: string,
  timeoutMs = 1000,
): Promise<unknown> {
  const url = new URL(path, endpoint);
  const secure = url.protocol === 'https:';
  const options = {
    method: body === undefined ? 'GET' : 'POST',
    timeout: timeoutMs,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    // No SNI for an IP address (RFC 6066).
    servername: isIP(url.hostname) ? '' : url.hostname,
    ...(secure && tls ? { ca: readFileSync(tls.ca), cert: readFileSync(tls.cert), key: readFileSync(tls.key) } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(data));
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** True when the member at `endpoint` reports itself healthy (it has a leader and no alarm). */
export async function isHealthy(endpoint: string, tls: EtcdTLSFiles | undefined): Promise<boolean> {
  try {
    const res = (await etcdHttp(endpoint, '/health', tls)) as { health?: string | boolean };
    return res.health === true || res.health === 'true';
  } catch {
    return false;
  }
}

/** The member id and the leader id a member reports, or undefined when it does not answer. */
export async function memberStatus(
  endpoint: string,
  tls: EtcdTLSFiles | undefined,
): Promise<{ member: string; leader: string } | undefined> {
  try {
    const res = (await etcdHttp(endpoint, '/v3/maintenance/status', tls, '{}')) as {
      header?: { member_id?: string };
      leader?: string;
    };
    return res.header?.member_id && res.leader ? { member: res.header.member_id, leader: res.leader } : undefined;
  } catch {
    return undefined;
  }
}

/** Polls `check` every 50 ms until it is true or `timeoutMs` passes. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
