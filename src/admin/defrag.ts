import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { CancelledError, UnavailableError, ValidationError } from '../errors/index.js';
import { atEndpoint, memberEndpoints, probe, sleep, type MemberProbe } from './probe.js';

/** What defragmenting one member did. */
export interface DefragmentResult {
  /** The member's client URL. */
  readonly endpoint: string;
  /** The member's id (hex). */
  readonly memberId: string;
  /** Database file size before, in bytes. */
  readonly dbSizeBefore: number;
  /** Database file size after, in bytes (equal to `dbSizeBefore` when skipped). */
  readonly dbSizeAfter: number;
}

/** One member's outcome in a {@link Maintenance.defragmentAll} run. */
export interface RollingDefragmentResult extends DefragmentResult {
  /** True for the member that led the cluster when the run started (defragmented last). */
  readonly isLeader: boolean;
  /** Free space as a share of the file before (0 to 1): `(dbSize - dbSizeInUse) / dbSize`. */
  readonly freeRatio: number;
  /** Why the member was left alone: a learner (etcd refuses), or less free space than `minFreeRatio`; false when defragmented. */
  readonly skipped: false | 'learner' | 'minFreeRatio';
  /** How long the defragmentation took, in ms (0 when skipped). */
  readonly durationMs: number;
}

/** Reported by {@link Maintenance.defragmentAll} before and after each member. */
export interface DefragmentProgress {
  /** `start`: about to defragment; `done`: defragmented and healthy again; `skipped`: left alone. */
  readonly phase: 'start' | 'done' | 'skipped';
  /** The member's client URL. */
  readonly endpoint: string;
  /** The member's id (hex). */
  readonly memberId: string;
  /** Position of this member in the run (0-based); the leader comes last. */
  readonly index: number;
  /** Members in the run. */
  readonly total: number;
  /** With `done` and `skipped`: the outcome. */
  readonly result?: RollingDefragmentResult;
}

/** Options of {@link Maintenance.defragmentAll}. */
export interface DefragmentAllOptions extends CallOptions {
  /**
   * Leave a member alone when its free space (file size minus space in use,
   * over file size) is below this ratio: defragmenting it would reclaim little.
   * @default 0
   */
  minFreeRatio?: number;
  /** Called before and after each member. A listener that throws stops the run. */
  onProgress?: (progress: DefragmentProgress) => void;
  /** How long to wait for a member to be healthy again before giving up the run, in ms. @default 60000 */
  healthTimeoutMs?: number;
}

/** Defragmenting can take a while on a big database; the per-request timeout is too short for it. */
export const DEFRAG_TIMEOUT_MS = 60_000;

/** Defragments the member at `endpoint`, with its database size before and after. */
export async function defragmentOne(
  core: Core,
  endpoint: string,
  options: CallOptions = {},
): Promise<DefragmentResult> {
  const before = await probe(core, endpoint, options);
  await defragCall(core, endpoint, options);
  const after = await probe(core, endpoint, options);
  return { endpoint, memberId: before.memberId, dbSizeBefore: before.dbSize, dbSizeAfter: after.dbSize };
}

function defragCall(core: Core, endpoint: string, options: CallOptions): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? Math.max(core.config.timeoutMs, DEFRAG_TIMEOUT_MS);
  return atEndpoint(core, endpoint, 'defragment', (etcd, grpc) => etcd.maintenance.defragment(grpc), {
    ...options,
    timeoutMs,
  });
}

/** The rolling defragmentation behind {@link Maintenance.defragmentAll}. */
export async function defragmentAll(
  core: Core,
  options: DefragmentAllOptions = {},
): Promise<RollingDefragmentResult[]> {
  const minFreeRatio = options.minFreeRatio ?? 0;
  if (typeof minFreeRatio !== 'number' || !(minFreeRatio >= 0 && minFreeRatio <= 1)) {
    throw new ValidationError(`minFreeRatio must be a number from 0 to 1, got ${String(minFreeRatio)}`);
  }
  const call: CallOptions = { ...(options.signal ? { signal: options.signal } : {}) };
  const list = await memberEndpoints(core, call);
  const probes = await Promise.all(list.map((m) => probe(core, m.endpoint, call)));
  // Followers first, the leader last: defragmenting blocks a member's reads
  // and writes, and a blocked leader stalls the whole cluster.
  const ordered = [...probes].sort((a, b) => Number(a.memberId === a.leader) - Number(b.memberId === b.leader));
  const results: RollingDefragmentResult[] = [];
  for (const [index, p] of ordered.entries()) {
    const base = { endpoint: p.endpoint, memberId: p.memberId, index, total: ordered.length };
    const skip = p.isLearner ? 'learner' : freeRatio(p) < minFreeRatio ? 'minFreeRatio' : false;
    if (skip) {
      const result = outcome(p, p.dbSize, skip, 0);
      results.push(result);
      options.onProgress?.({ ...base, phase: 'skipped', result });
      continue;
    }
    options.onProgress?.({ ...base, phase: 'start' });
    const started = performance.now();
    await defragCall(core, p.endpoint, { ...call, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    const after = await healthyAgain(core, p.endpoint, options.healthTimeoutMs ?? 60_000, options.signal);
    const result = outcome(p, after.dbSize, false, Math.round(performance.now() - started));
    results.push(result);
    options.onProgress?.({ ...base, phase: 'done', result });
  }
  return results;
}

function freeRatio(p: MemberProbe): number {
  return p.dbSize > 0 ? Math.max(0, p.dbSize - p.dbSizeInUse) / p.dbSize : 0;
}

function outcome(
  p: MemberProbe,
  dbSizeAfter: number,
  skipped: RollingDefragmentResult['skipped'],
  durationMs: number,
): RollingDefragmentResult {
  return {
    endpoint: p.endpoint,
    memberId: p.memberId,
    dbSizeBefore: p.dbSize,
    dbSizeAfter,
    isLeader: p.memberId === p.leader,
    freeRatio: Math.round(freeRatio(p) * 1000) / 1000,
    skipped,
    durationMs,
  };
}

// Healthy: the member answers and sees a leader. Its alarms are not
// considered: a NOSPACE alarm stays until disarmed, after the run.
async function healthyAgain(
  core: Core,
  endpoint: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<MemberProbe> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const p = await probe(core, endpoint, signal ? { signal } : {});
      if (p.leader !== '0') return p;
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      last = err;
    }
    await sleep(100, signal).catch((reason: unknown) => {
      throw new CancelledError('defragmentAll: aborted', { cause: reason });
    });
  }
  throw new UnavailableError(
    `defragmentAll: ${endpoint} was not healthy within ${timeoutMs} ms after defragmenting; stopped`,
    {
      cause: last,
    },
  );
}
