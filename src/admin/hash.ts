import type { CallOptions as GrpcCallOptions } from '@grpc/grpc-js';
import type { Etcd3, IHashKVResponse } from 'etcd3';
import type { Core } from '../core/core.js';
import { unary } from '../transport/index.js';
import type { CallOptions } from '../core/call.js';
import { memberFromWire, revision as toRevision } from '../core/ids.js';
import { CompactedError, mapError, PermissionDeniedError } from '../errors/index.js';
import { currentRevision, type Member } from './cluster.js';
import { atEndpoint, memberEndpoints, sleep } from './probe.js';

/** One member's hash of its keyspace ({@link Maintenance.hashKV}). */
export interface HashKVResult {
  /** The member's client URL. */
  readonly endpoint: string;
  /** The member's id (hex). */
  readonly memberId: string;
  /** The hash of the keys and values from `compactRevision` up to `revision`. */
  readonly hash: number;
  /** The revision the member's keyspace was compacted to when hashing; hashes compare only at the same one. */
  readonly compactRevision: number;
  /** The revision hashed up to. */
  readonly revision: number;
}

/** What {@link Maintenance.checkConsistency} found. */
export interface ConsistencyReport {
  /** True when every voting member answered with the same hash at `revision`. */
  readonly consistent: boolean;
  /** The revision compared at. */
  readonly revision: number;
  /** Every answer. */
  readonly hashes: readonly HashKVResult[];
  /** Ids (hex) of members whose hash or compact revision differs from the most common answer. */
  readonly mismatched: readonly string[];
  /** Members that did not answer, with why. */
  readonly unreachable: readonly UnreachableMember[];
}

/** A member that did not answer a {@link Maintenance.checkConsistency}. */
export interface UnreachableMember {
  /** The member's client URL. */
  readonly endpoint: string;
  /** The member's id (hex). */
  readonly memberId: string;
  /** Why it did not answer. */
  readonly error: string;
}

const FUTURE = 'required revision is a future revision';

// etcd3's `maintenance.hashKV` calls a method name the service does not have:
// the proto's name is used instead (see `unary`).
function hashKV(etcd: Etcd3, revision: number, grpc: GrpcCallOptions): Promise<IHashKVResponse> {
  return unary<IHashKVResponse>(etcd, 'Maintenance', 'HashKV', { revision }, grpc);
}

async function hashOne(core: Core, endpoint: string, revision: number, options: CallOptions): Promise<HashKVResult> {
  const res = await atEndpoint(core, endpoint, 'hashkv', (etcd, grpc) => hashKV(etcd, revision, grpc), options);
  return {
    endpoint,
    memberId: memberFromWire(res.header.member_id),
    hash: Number(res.hash),
    compactRevision: toRevision(res.compact_revision),
    revision: revision === 0 ? toRevision(res.header.revision) : revision,
  };
}

// A member that has not yet applied `revision` says so; it is asked again
// until the per-request timeout, since it is normally only a few ms behind.
async function hashWhenApplied(
  core: Core,
  endpoint: string,
  revision: number,
  options: CallOptions,
): Promise<HashKVResult> {
  const deadline = Date.now() + (options.timeoutMs ?? core.config.timeoutMs);
  for (;;) {
    try {
      return await hashOne(core, endpoint, revision, options);
    } catch (err) {
      if (!String(mapError(err, { op: 'hashkv' }).message).includes(FUTURE) || Date.now() > deadline) throw err;
      await sleep(50, options.signal);
    }
  }
}

/** {@link Maintenance.hashKV}: every voting member, in parallel. */
export async function hashAll(core: Core, revision: number, options: CallOptions): Promise<HashKVResult[]> {
  const list = (await memberEndpoints(core, options)).filter((m) => !m.isLearner);
  return Promise.all(list.map((m) => hashWhenApplied(core, m.endpoint, revision, options)));
}

/** One round of a consistency check: each member's hash at one revision, or why it did not answer. */
interface Round {
  readonly hashes: HashKVResult[];
  readonly unreachable: UnreachableMember[];
  /** Some member refused the revision as compacted. */
  readonly compacted: boolean;
}

type Voter = Member & { endpoint: string };

async function round(core: Core, list: readonly Voter[], revision: number, options: CallOptions): Promise<Round> {
  const settled = await Promise.allSettled(list.map((m) => hashWhenApplied(core, m.endpoint, revision, options)));
  const hashes: HashKVResult[] = [];
  const unreachable: UnreachableMember[] = [];
  let compacted = false;
  settled.forEach((s, i) => {
    const m = list[i]!;
    if (s.status === 'fulfilled') {
      hashes.push(s.value);
    } else {
      const error = mapError(s.reason, { op: 'hashkv' });
      // A member that refused the user answered: that is no unreachable member but a user without root.
      if (error instanceof PermissionDeniedError) throw error;
      compacted ||= error instanceof CompactedError;
      unreachable.push({ endpoint: m.endpoint, memberId: m.id, error: error.message });
    }
  });
  return { hashes, unreachable, compacted };
}

function report(revision: number, { hashes, unreachable }: Round): ConsistencyReport {
  const mismatched = outliers(hashes);
  return { consistent: unreachable.length === 0 && mismatched.length === 0, revision, hashes, mismatched, unreachable };
}

/**
 * {@link Maintenance.checkConsistency}. A member refuses to hash at its
 * compact revision, and right after a compaction to the current revision
 * (nothing written since) that is the revision to check: then each member
 * hashes at its own current revision (revision 0), which is the same one
 * unless a write has just arrived, and then the check starts again at the
 * new current revision, which is past the compaction.
 */
export async function checkConsistency(core: Core, options: CallOptions = {}): Promise<ConsistencyReport> {
  const deadline = Date.now() + (options.timeoutMs ?? core.config.timeoutMs);
  const list = (await memberEndpoints(core, options)).filter((m) => !m.isLearner);
  for (;;) {
    const revision = await currentRevision(core, options);
    const atRevision = await round(core, list, revision, options);
    if (!atRevision.compacted) return report(revision, atRevision);
    const atCurrent = await round(core, list, 0, options);
    const revisions = new Set(atCurrent.hashes.map((h) => h.revision));
    // Past the deadline, members still moving show as mismatched: the report does not claim agreement it did not see.
    if (revisions.size <= 1 || Date.now() > deadline) {
      return report(atCurrent.hashes[0]?.revision ?? revision, atCurrent);
    }
  }
}

/** Members whose (hash, compact revision) differs from the most common one. */
export function outliers(hashes: readonly HashKVResult[]): string[] {
  const tally = new Map<string, number>();
  const id = (h: HashKVResult) => `${h.hash}@${h.compactRevision}`;
  for (const h of hashes) tally.set(id(h), (tally.get(id(h)) ?? 0) + 1);
  const common = [...tally].sort((a, b) => b[1] - a[1])[0]?.[0];
  return hashes.filter((h) => id(h) !== common).map((h) => h.memberId);
}
