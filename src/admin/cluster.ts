import { explainFuture } from '../kv/future.js';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision } from '../core/ids.js';
import { PermissionDeniedError } from '../errors/index.js';
import { checkRevision } from '../config/checks.js';

/** A member of the cluster. */
export interface Member {
  /** Member id (hex). */
  readonly id: string;
  /** Empty for a member that has not started yet. */
  readonly name: string;
  /** URLs the other members reach this member at. */
  readonly peerURLs: readonly string[];
  /** URLs clients reach this member at. */
  readonly clientURLs: readonly string[];
  /** True for a learner: a non-voting member catching up with the log. */
  readonly isLearner: boolean;
}

export async function members(core: Core, options: CallOptions = {}): Promise<Member[]> {
  const res = await core.caller.run(
    'read',
    { op: 'members' },
    (grpc) => core.rpc.cluster.memberList({}, grpc),
    options,
  );
  return res.members.map((m) => ({
    id: BigInt(m.ID).toString(16),
    name: m.name,
    peerURLs: m.peerURLs,
    clientURLs: m.clientURLs,
    isLearner: m.isLearner === true,
  }));
}

/**
 * The cluster's current revision, from the header of a read the user may make.
 * First a linearizable one-key read at the start of the client's namespace (a
 * user whose role covers the namespace may make it); when that is refused, a
 * transaction with no operations, which etcd lets every user run: its header
 * has the revision of the member that answered (member-local, like a
 * serializable read), the best a user who may read no key there can get.
 */
export async function currentRevision(core: Core, options: CallOptions = {}): Promise<number> {
  const key = firstKey(core);
  try {
    const res = await core.caller.run(
      'read',
      { op: 'revision' },
      (grpc) => core.rpc.kv.range({ key, count_only: true, limit: 1 }, grpc),
      options,
    );
    return headerRevision(res);
  } catch (err) {
    if (!(err instanceof PermissionDeniedError)) throw err;
  }
  const res = await core.caller.run(
    'read',
    { op: 'revision' },
    (grpc) => core.rpc.kv.txn({ compare: [], success: [], failure: [] }, grpc),
    options,
  );
  return headerRevision(res);
}

/** The first key of the client's namespace: one a user whose role covers the namespace may read. */
const firstKey = (core: Core) => Buffer.concat([core.keys.prefix, Buffer.from([0])]);

/**
 * Whether the cluster answers a linearizable read, which needs a leader and a
 * quorum. A refusal counts as an answer: etcd checks permissions only after
 * the read has waited for the leader (as `etcdctl endpoint health` reasons).
 */
export async function quorumAnswers(core: Core, options: CallOptions = {}): Promise<boolean> {
  try {
    await core.caller.run(
      'read',
      { op: 'health' },
      (grpc) => core.rpc.kv.range({ key: firstKey(core), count_only: true, limit: 1 }, grpc),
      { ...options, retry: false },
    );
    return true;
  } catch (err) {
    return err instanceof PermissionDeniedError;
  }
}

/** Discards history before `revision`. Idempotent, so safe to retry. */
export async function compact(
  core: Core,
  revision: number,
  options: CallOptions & { physical?: boolean } = {},
): Promise<void> {
  checkRevision('revision', revision);
  await core.caller
    .run(
      'read', // compacting twice to the same revision changes nothing more
      { op: 'compact', revision },
      (grpc) => core.rpc.kv.compact({ revision, physical: options.physical === true }, grpc),
      options,
    )
    .catch(async (err: unknown) => {
      throw await explainFuture(core, err);
    });
}
