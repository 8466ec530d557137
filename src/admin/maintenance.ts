import type { Core } from '../core/core.js';
import type { LeaseTimeToLive } from '../lease/index.js';
import type { CallOptions } from '../core/call.js';
import { leaseFromWire, leaseToWire, memberFromWire, memberToWire } from '../core/ids.js';
import { LeaseNotFoundError } from '../errors/index.js';
import { PermissionDeniedError, UnavailableError, ValidationError } from '../errors/index.js';
import {
  defragmentAll,
  defragmentOne,
  type DefragmentAllOptions,
  type DefragmentResult,
  type RollingDefragmentResult,
} from './defrag.js';
import { checkConsistency, hashAll, type ConsistencyReport, type HashKVResult } from './hash.js';
import { atEndpoint, checkEndpoint, memberEndpoints, probe } from './probe.js';
import { checkWhole } from '../config/checks.js';
import { checkOptions } from '../core/options.js';

/** An alarm kind etcd raises: `NOSPACE` (the backend quota is full) or `CORRUPT` (a member's data differs). */
export type AlarmKind = 'NOSPACE' | 'CORRUPT';

/** An alarm raised on one member. */
export interface Alarm {
  /** The member's id (hex). */
  readonly memberId: string;
  /** What is wrong. */
  readonly alarm: AlarmKind;
}

/** Options of {@link Maintenance.defragment}. */
export interface DefragmentOptions extends CallOptions {
  /** Defragment this endpoint only (a client URL). @default every configured endpoint, one after another */
  endpoint?: string;
}

/** Options of {@link Maintenance.hashKV}. */
export interface HashKVOptions extends CallOptions {
  /** Hash the keyspace up to this revision; 0 for each member's latest. @default 0 */
  revision?: number;
}

const ALARM_WIRE: Readonly<Record<AlarmKind, number>> = { NOSPACE: 1, CORRUPT: 2 };

/**
 * Maintenance of the cluster's members: alarms, defragmentation, consistency
 * checks and leadership. Reach it as `client.maintenance`. On a partitioned
 * client it acts on the default partition's cluster; use
 * `client.partition(prefix).maintenance` for another.
 *
 * @example
 * ```ts
 * // Recover from a full database (NOSPACE):
 * await client.compact(await client.revision());
 * await client.maintenance.defragmentAll();
 * await client.maintenance.disarm('NOSPACE');
 * ```
 */
export class Maintenance {
  readonly #core: Core;

  /** @internal Made by the client (`client.maintenance`). */
  constructor(core: Core) {
    this.#core = core;
  }

  /**
   * The alarms raised in the cluster, one entry per member and kind.
   * @example `if ((await client.maintenance.alarms()).some((a) => a.alarm === 'NOSPACE')) page();`
   */
  async alarms(options?: CallOptions): Promise<Alarm[]> {
    const res = await this.#core.caller.run(
      'read',
      { op: 'alarm list' },
      (grpc) => this.#core.rpc.maintenance.alarm({ action: 0, memberID: 0, alarm: 0 }, grpc),
      options,
    );
    return (res.alarms ?? [])
      .map((a) => ({ memberId: memberFromWire(a.memberID), alarm: String(a.alarm).toUpperCase() as AlarmKind }))
      .filter((a) => a.alarm === 'NOSPACE' || a.alarm === 'CORRUPT');
  }

  /**
   * Clears the raised alarms (those of kind `alarm`, or all), as
   * `etcdctl alarm disarm`. Clear NOSPACE only once space is freed (compact,
   * then defragment), or etcd raises it again on the next write.
   * @example `await client.maintenance.disarm('NOSPACE');`
   * @returns The alarms cleared.
   * @throws {@link ValidationError} for an alarm kind other than `NOSPACE` or `CORRUPT`.
   */
  async disarm(alarm?: AlarmKind, options?: CallOptions): Promise<Alarm[]> {
    if (alarm !== undefined && !(alarm in ALARM_WIRE)) {
      throw new ValidationError(`alarm must be 'NOSPACE' or 'CORRUPT', got ${JSON.stringify(alarm)}`);
    }
    const raised = (await this.alarms(options)).filter((a) => alarm === undefined || a.alarm === alarm);
    for (const a of raised) {
      // Deactivating an alarm that is already off changes nothing: safe to repeat.
      await this.#core.caller.run(
        'read',
        { op: 'alarm disarm' },
        (grpc) =>
          this.#core.rpc.maintenance.alarm(
            { action: 2, memberID: memberToWire(a.memberId), alarm: ALARM_WIRE[a.alarm] },
            grpc,
          ),
        options,
      );
    }
    return raised;
  }

  /**
   * Defragments one endpoint, or each configured endpoint in turn, returning
   * the database size before and after. A member does not serve reads or
   * writes while it defragments; for a whole cluster prefer
   * {@link Maintenance.defragmentAll}.
   * @example `const [r] = await client.maintenance.defragment({ endpoint: 'http://10.0.0.1:2379' });`
   * @throws {@link ValidationError} for an endpoint that is not an http(s) URL with a port.
   * @throws {@link UnavailableError} or {@link TimeoutError} when the member does not answer (the default timeout is 60 s).
   */
  async defragment(options: DefragmentOptions = {}): Promise<DefragmentResult[]> {
    const endpoints = options.endpoint === undefined ? this.#core.config.endpoints : [checkEndpoint(options.endpoint)];
    const { endpoint: _, ...call } = options;
    const results: DefragmentResult[] = [];
    for (const endpoint of endpoints) results.push(await defragmentOne(this.#core, endpoint, call));
    return results;
  }

  /**
   * A safe rolling defragmentation of every member: one at a time, followers
   * first and the leader last, skipping learners and members whose free space
   * ratio is below `minFreeRatio`, and waiting for each member to answer with
   * a leader again before the next. Stops at the first failure.
   * @example
   * ```ts
   * await client.maintenance.defragmentAll({
   *   minFreeRatio: 0.2,
   *   onProgress: (p) => console.log(p.phase, p.endpoint),
   * });
   * ```
   * @throws {@link ValidationError} when `minFreeRatio` is not between 0 and 1.
   * @throws {@link UnavailableError} when a member is not healthy again within `healthTimeoutMs`.
   * @throws {@link CancelledError} when `signal` aborts (the member being defragmented finishes on its own).
   */
  defragmentAll(options?: DefragmentAllOptions): Promise<RollingDefragmentResult[]> {
    return defragmentAll(this.#core, options);
  }

  /**
   * Each member's hash of its keyspace up to `revision` (learners excluded).
   * Members agree when hashes at the same revision and compact revision match.
   * @example `for (const h of await client.maintenance.hashKV({ revision: rev })) console.log(h.memberId, h.hash);`
   * @throws {@link ValidationError} for a revision that is not a whole number ≥ 0.
   * @throws {@link CompactedError} when `revision` is compacted.
   */
  hashKV(options: HashKVOptions = {}): Promise<HashKVResult[]> {
    checkOptions(options);
    // 0 asks for the latest revision.
    const revision = checkWhole('revision', options.revision ?? 0, { min: 0 });
    return hashAll(this.#core, revision, options);
  }

  /**
   * Checks that every voting member holds the same data: takes the current
   * revision, asks each member for its hash at that revision, and compares.
   * Members that do not answer are listed apart and make the result
   * inconsistent (agreement cannot be shown). Right after a compaction to the
   * current revision, which etcd 3.4 will not hash at, each member hashes at
   * its own current revision instead (the same one while nothing is written).
   * @example `const r = await client.maintenance.checkConsistency(); if (!r.consistent) alert(r.mismatched);`
   */
  async checkConsistency(options?: CallOptions): Promise<ConsistencyReport> {
    checkOptions(options);
    return checkConsistency(this.#core, options);
  }

  /**
   * Hands leadership to the member `memberId` (a voting member). The request
   * goes to the current leader, as etcd requires.
   * @example `await client.maintenance.moveLeader('8e9e05c52164694d');`
   * @throws {@link ValidationError} for a malformed id, or one that is not a voting member.
   * @throws {@link UnavailableError} when no member reports a leader.
   */
  async moveLeader(memberId: string, options?: CallOptions): Promise<void> {
    const targetID = memberToWire(memberId);
    const list = await memberEndpoints(this.#core, options);
    const target = list.find((m) => m.id === memberFromWire(targetID));
    if (!target || target.isLearner) {
      throw new ValidationError(`moveLeader: ${memberId} is not a voting member of the cluster`);
    }
    const probes = await Promise.allSettled(list.map((m) => probe(this.#core, m.endpoint, options)));
    const leader = probes.flatMap((p) =>
      p.status === 'fulfilled' && p.value.memberId === p.value.leader ? [p.value] : [],
    )[0];
    // From etcd 3.5 the Status that finds the leader needs root: say that, not "no leader".
    const refused = probes.find((p) => p.status === 'rejected' && p.reason instanceof PermissionDeniedError);
    if (!leader && refused) throw (refused as PromiseRejectedResult).reason;
    if (!leader) throw new UnavailableError('moveLeader: no member reports a leader');
    if (leader.memberId === target.id) return;
    await atEndpoint(
      this.#core,
      leader.endpoint,
      'move-leader',
      (etcd, grpc) => etcd.maintenance.moveLeader({ targetID }, grpc),
      options,
    );
  }

  /**
   * The ids (hex) of every lease alive in the cluster (etcd's LeaseLeases),
   * whoever granted them.
   * @example `console.log(await client.maintenance.leases());`
   */
  async leases(options?: CallOptions): Promise<string[]> {
    const res = await this.#core.caller.run(
      'read',
      { op: 'lease list' },
      (grpc) => this.#core.rpc.lease.leaseLeases(grpc),
      options,
    );
    return (res.leases ?? []).map((l) => leaseFromWire(l.ID)).filter((id): id is string => id !== undefined);
  }

  /**
   * Any lease's remaining TTL (etcd's LeaseTimeToLive), and with `keys: true`
   * the keys attached to it that lie in the client's namespace.
   * @example `const { ttl, keys } = await client.maintenance.leaseTimeToLive('694d7ccd3c4a6f05', { keys: true });`
   * @throws {@link ValidationError} for an id that is not hex.
   * @throws {@link LeaseNotFoundError} when the lease has expired or was revoked.
   */
  async leaseTimeToLive(id: string, options: CallOptions & { keys?: boolean } = {}): Promise<LeaseTimeToLive> {
    const ID = leaseToWire(id);
    const res = await this.#core.caller.run(
      'read',
      { op: 'lease timetolive' },
      (grpc) => this.#core.rpc.lease.leaseTimeToLive({ ID, keys: options.keys === true }, grpc),
      options,
    );
    if (Number(res.TTL) < 0) throw new LeaseNotFoundError(`lease ${id} not found (expired or revoked)`);
    const prefix = this.#core.keys.prefix;
    const keys = (res.keys ?? [])
      .filter((k) => Buffer.from(k).subarray(0, prefix.length).equals(prefix))
      .map((k) => this.#core.keys.decode(k));
    return { id, ttl: Number(res.TTL), grantedTtl: Number(res.grantedTTL), keys };
  }
}
