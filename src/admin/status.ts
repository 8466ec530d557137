import type { Etcd3 } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { createEtcd3 } from '../transport/index.js';
import { revision } from '../core/ids.js';
import { mapError, PermissionDeniedError } from '../errors/index.js';
import { quorumAnswers } from './cluster.js';
import type { CircuitStatus, ConnectionState } from '../resilience/index.js';

/** What one endpoint reports about itself. */
export interface EndpointStatus {
  /** The endpoint URL, as configured. */
  readonly endpoint: string;
  /**
   * False when the endpoint did not answer; `error` then says why. True with
   * `error` set and no other field when it answered but refused: from etcd 3.5
   * Status needs the root role once authentication is on.
   */
  readonly reachable: boolean;
  /** The member's id (hex), as `etcdctl` prints it. */
  readonly memberId?: string;
  /** Server version, e.g. `'3.4.23'`. */
  readonly version?: string;
  /** Backend database size in bytes. */
  readonly dbSize?: number;
  /** The leader's member id (hex); `'0'` when the member sees no leader. */
  readonly leader?: string;
  /** True when this member is the leader. */
  readonly isLeader?: boolean;
  /** The Raft term the member is in (grows with every leader election). */
  readonly raftTerm?: number;
  /** The member's Raft log index (grows with every committed entry). */
  readonly raftIndex?: number;
  /** Alarms and errors the member reports (e.g. `NOSPACE`). */
  readonly errors?: readonly string[];
  /** Why the endpoint is unreachable. */
  readonly error?: string;
  /**
   * The client's circuit breaker for this endpoint: `open` while calls skip
   * it after repeated connection failures, `half-open` while one call tests it.
   */
  readonly circuit: CircuitStatus;
  /** How long the status request took, in ms (also when it failed). */
  readonly latencyMs: number;
}

/** A one-line summary of {@link EndpointStatus} across endpoints. */
export interface Health {
  /**
   * True when at least one endpoint answers, it sees a leader, and it reports no error. For a user
   * whom every endpoint refuses Status (etcd 3.5 and later give it to root only under
   * authentication): true when the cluster answers a linearizable read, which needs a leader and a
   * quorum (a refusal of that read is an answer too); `leader` is then unknown.
   */
  readonly healthy: boolean;
  /** Endpoints configured. */
  readonly endpoints: number;
  /** Endpoints that answered. */
  readonly reachable: number;
  /** The leader's member id (hex), when one is known. */
  readonly leader?: string;
  /** The status of every configured endpoint, as {@link Client.status} returns it. */
  readonly statuses: readonly EndpointStatus[];
  /** The client's overall connection state (see {@link Client.onStateChange}). */
  readonly connection: ConnectionState;
  /** Endpoints whose circuit is open (skipped by calls). */
  readonly openCircuits: number;
}

const hex = (id: string) => BigInt(id).toString(16);

/** A client bound to one endpoint only, made on first use and closed with the client. */
export function endpointClient(core: Core, endpoint: string): Etcd3 {
  const cache = (core.endpointClients ??= new Map<string, Etcd3>());
  let etcd = cache.get(endpoint);
  if (!etcd) {
    etcd = createEtcd3(core.config, [endpoint]);
    cache.set(endpoint, etcd);
    core.resources.add(etcd);
  }
  return etcd;
}

/**
 * Asks every configured endpoint for its status, in parallel, once each and
 * bypassing the circuit breakers (so a recovered endpoint shows as reachable
 * before its circuit closes); unreachable ones are reported, not thrown.
 */
export async function status(core: Core, options: CallOptions = {}): Promise<EndpointStatus[]> {
  const circuits = core.caller.guards.states();
  return Promise.all(
    core.config.endpoints.map(async (endpoint): Promise<EndpointStatus> => {
      const circuit = circuits.get(endpoint) ?? 'closed';
      const started = performance.now();
      const latencyMs = () => Math.round((performance.now() - started) * 10) / 10;
      try {
        const etcd = endpointClient(core, endpoint);
        // A member without a leader still answers, and says so (leader '0').
        const res = await core.caller.run('read', { op: 'status' }, (grpc) => etcd.maintenance.status(grpc), {
          ...options,
          retry: false,
          requireLeader: false,
        });
        const memberId = hex(res.header.member_id);
        const leader = hex(res.leader);
        return {
          endpoint,
          reachable: true,
          memberId,
          version: res.version,
          dbSize: Number(res.dbSize),
          leader,
          isLeader: leader === memberId,
          raftTerm: revision(res.raftTerm),
          raftIndex: revision(res.raftIndex),
          errors: res.errors ?? [],
          circuit,
          latencyMs: latencyMs(),
        };
      } catch (err) {
        const mapped = mapError(err, { op: 'status' });
        return {
          endpoint,
          // A refusal is an answer: from etcd 3.5, Status needs the root role under authentication.
          reachable: mapped instanceof PermissionDeniedError,
          error: mapped.message,
          circuit,
          latencyMs: latencyMs(),
        };
      }
    }),
  );
}

export async function health(core: Core, options: CallOptions = {}): Promise<Health> {
  const statuses = await status(core, options);
  const up = statuses.filter((s) => s.reachable);
  const leader = up.find((s) => s.leader && s.leader !== '0')?.leader;
  let healthy = up.length > 0 && leader !== undefined && up.every((s) => (s.errors ?? []).length === 0);
  // Every endpoint refused Status (etcd 3.5+, a user without root): ask the cluster another way.
  if (up.length > 0 && up.every((s) => s.memberId === undefined)) healthy = await quorumAnswers(core, options);
  return {
    healthy,
    endpoints: statuses.length,
    reachable: up.length,
    ...(leader ? { leader } : {}),
    statuses,
    connection: core.caller.events.state,
    openCircuits: statuses.filter((s) => s.circuit === 'open').length,
  };
}
