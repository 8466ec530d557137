import type { CallOptions as GrpcCallOptions } from '@grpc/grpc-js';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { memberFromWire } from '../core/ids.js';
import { ValidationError } from '../errors/index.js';
import { members, type Member } from './cluster.js';
import { endpointClient } from './status.js';
import type { Etcd3 } from 'etcd3';

/** What one member says about itself, for the maintenance calls. Internal. */
export interface MemberProbe {
  readonly endpoint: string;
  readonly memberId: string;
  readonly leader: string;
  readonly dbSize: number;
  readonly dbSizeInUse: number;
  readonly isLearner: boolean;
}

/** Runs one call against `endpoint` only, once (a per-member call must not land on another member). */
export function atEndpoint<T>(
  core: Core,
  endpoint: string,
  op: string,
  attempt: (etcd: Etcd3, grpc: GrpcCallOptions) => Promise<T>,
  options: CallOptions = {},
): Promise<T> {
  const etcd = endpointClient(core, endpoint);
  return core.caller.run('read', { op: `${op} ${endpoint}` }, (grpc) => attempt(etcd, grpc), {
    ...options,
    retry: false,
    requireLeader: false,
  });
}

/** Status of the member at `endpoint`. */
export async function probe(core: Core, endpoint: string, options?: CallOptions): Promise<MemberProbe> {
  const res = await atEndpoint(core, endpoint, 'status', (etcd, grpc) => etcd.maintenance.status(grpc), options);
  return {
    endpoint,
    memberId: memberFromWire(res.header.member_id),
    leader: memberFromWire(res.leader),
    dbSize: Number(res.dbSize),
    dbSizeInUse: Number(res.dbSizeInUse ?? res.dbSize),
    isLearner: res.isLearner === true,
  };
}

/** The started members with the endpoint (first client URL) each is reached at. */
export async function memberEndpoints(
  core: Core,
  options?: CallOptions,
): Promise<Array<Member & { endpoint: string }>> {
  const list = await members(core, options);
  return list
    .filter((m) => m.name !== '' && m.clientURLs.length > 0)
    .map((m) => ({ ...m, endpoint: m.clientURLs[0]! }));
}

/** Checks an endpoint argument: an http(s) URL with a port. */
export function checkEndpoint(endpoint: unknown): string {
  if (typeof endpoint === 'string' && /^https?:\/\/[^/]+:\d+\/?$/.test(endpoint)) return endpoint.replace(/\/$/, '');
  throw new ValidationError(`endpoint must look like http://host:port, got ${JSON.stringify(endpoint)}`);
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
