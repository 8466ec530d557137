import type { IKeyValue, IRangeRequest, IRequestOp, ITxnRequest, ITxnResponse } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions, RunOptions } from '../core/call.js';

/** Call options plus the operation's name for telemetry. */
type TxnOptions = CallOptions & Pick<RunOptions, 'operation'>;
import { leaseToWire, revision } from '../core/ids.js';
import { grpcDeadline } from '../config/duration.js';
import type { RawRange } from '../keys/index.js';

// Raw etcd requests shared by the recipes. Keys here are etcd keys (namespace
// included); the recipes' keys follow Go's `concurrency` package so Go
// services and `etcdctl lock`/`elect` interoperate with them.

/** The key created first in `range`: the lock holder or the election leader. */
export function firstCreated(range: RawRange): IRangeRequest {
  return { key: range.key, range_end: range.rangeEnd, sort_order: 'Ascend', sort_target: 'Create', limit: 1 };
}

/**
 * The key created last in `range` before `maxCreateRevision` (inclusive): the
 * one a waiter watches, so each waiter wakes only when its own predecessor goes.
 */
export function lastCreatedUpTo(range: RawRange, maxCreateRevision: number): IRangeRequest {
  return {
    key: range.key,
    range_end: range.rangeEnd,
    sort_order: 'Descend',
    sort_target: 'Create',
    max_create_revision: maxCreateRevision,
    limit: 1,
  };
}

/** The two most recently created keys of `range`: right after our put, ours and our predecessor. */
export function lastTwoCreated(range: RawRange): IRangeRequest {
  return { key: range.key, range_end: range.rangeEnd, sort_order: 'Descend', sort_target: 'Create', limit: 2 };
}

/** Put an empty value under a lease (lock keys carry no data, as in Go). */
export function putWithLease(key: Buffer, leaseId: string, value: Buffer = Buffer.alloc(0)): IRequestOp {
  return { request_put: { key, value, lease: leaseToWire(leaseId) } };
}

/** `createRevision(key) == rev`; with `rev = 0`: the key does not exist. */
export function createdAt(key: Buffer, rev: number): NonNullable<ITxnRequest['compare']>[number] {
  return { key, target: 'Create', result: 'Equal', create_revision: rev };
}

/** True when no key of `range` exists (etcd compares a range as "every key satisfies", an empty one as a missing key). */
export function rangeEmpty(range: RawRange): NonNullable<ITxnRequest['compare']>[number] {
  return { key: range.key, range_end: range.rangeEnd, target: 'Create', result: 'Equal', create_revision: 0 };
}

/** Runs a transaction that writes (never retried blindly). */
export function writeTxn(
  core: Core,
  op: string,
  key: string,
  req: ITxnRequest,
  options: TxnOptions = {},
): Promise<ITxnResponse> {
  return core.caller.run('write', { op, key }, (grpc) => core.rpc.kv.txn(req, grpc), options);
}

/** Runs a transaction of reads only (safe to retry). */
export function readTxn(
  core: Core,
  op: string,
  key: string,
  reads: IRangeRequest[],
  options: TxnOptions = {},
): Promise<ITxnResponse> {
  const req: ITxnRequest = { success: reads.map((r) => ({ request_range: r })) };
  return core.caller.run('read', { op, key }, (grpc) => core.rpc.kv.txn(req, grpc), options);
}

/** The key-values of the `i`-th range response of a transaction. */
export function kvsOf(res: ITxnResponse, i: number): IKeyValue[] {
  return res.responses[i]?.response_range?.kvs ?? [];
}

/** A key-value's create revision as a number. */
export function createRev(kv: IKeyValue): number {
  return revision(kv.create_revision);
}

/** Deletes `key` directly (bypassing the call layer, which refuses calls once closing); never rejects. */
export async function deleteQuietly(core: Core, key: Buffer): Promise<void> {
  try {
    await core.rpc.kv.deleteRange({ key }, { deadline: grpcDeadline(core.config.timeoutMs) });
  } catch {
    // The key is attached to the session lease: it goes when the lease ends anyway.
  }
}
