import type { IKeyValue, IRangeResponse, IRequestOp } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision } from '../core/ids.js';
import { PartialWriteError } from '../errors/index.js';
import { keyAfter, type RawRange } from '../keys/index.js';
import { TXN_OVERHEAD } from './chunk.js';
import { RECEIVE_LIMIT } from './limits.js';
import { byCluster, type PrefixOptions, type Segments } from './prefix.js';
import { decodePrevious } from './previous.js';
import { checkWriteOptions } from './write.js';
import { scan } from './scan.js';
import type { KeyValue } from './types.js';

/** Options of {@link Client.deletePrefix}. */
export interface DeletePrefixOptions extends PrefixOptions, CallOptions {
  /**
   * Return the removed key-values (decoded through the value pipeline) as
   * `previous`. The first few come back with the delete; the rest are read
   * in pages as they were just before it (at its revision - 1), so any
   * amount fits under the 4 MiB receive limit.
   */
  prevKV?: boolean;
}

/** What {@link Client.deletePrefix} returns with `prevKV: true`. */
export interface DeletePrefixResult {
  /** How many keys were deleted. */
  readonly deleted: number;
  /** The removed key-values as they were just before the deletion, in key order (those that could be decoded). */
  readonly previous: KeyValue[];
  /**
   * How many removed key-values were left out of `previous` because they
   * could not be decoded (a value written in plaintext by another tool under
   * encryption, a key that is not well-formed Unicode). They were deleted
   * all the same. Always 0 without `prevKV`.
   */
  readonly undecodable: number;
}

/**
 * Deletes the ranges cluster by cluster, in key order; within one cluster in
 * one request. Not atomic across clusters: a failure after some clusters were
 * cleared is a {@link PartialWriteError} (its `total` is NaN: how many keys the
 * failed cluster held is unknown).
 */
export async function deleteSegments(
  segments: Segments,
  prefix: string,
  options: DeletePrefixOptions = {},
): Promise<DeletePrefixResult> {
  checkWriteOptions(options);
  let deleted = 0;
  let undecodable = 0;
  const previous: KeyValue[] = [];
  const done: string[] = [];
  for (const [cluster, indexes] of byCluster(segments.ranges)) {
    const ranges = indexes.map((i) => segments.ranges[i]!);
    try {
      const core = ranges[0]!.core;
      const res = await segments.inCluster(cluster, () =>
        deleteRanges(
          core,
          prefix,
          ranges.map((r) => r.range),
          options,
        ),
      );
      deleted += res.deleted;
      undecodable += res.undecodable;
      previous.push(...res.previous);
      done.push(segments.name(cluster));
    } catch (err) {
      if (deleted === 0) throw err; // nothing changed yet: the failure says it all
      const message = `deletePrefix '${prefix}': ${deleted} keys deleted in ${done.join(', ')}, then: ${(err as Error).message}`;
      throw new PartialWriteError(message, deleted, Number.NaN, { cause: err });
    }
  }
  return { deleted, previous, undecodable };
}

/**
 * Deletes `ranges` in one transaction. With `prevKV`, the transaction reads
 * each range just before deleting it, rather than asking for the deleted
 * pairs in its reply: etcd would apply the delete and the client then refuse
 * an answer over its receive limit, losing the pairs. So the reads are
 * limited to what surely fits (a pair is at most a request's size), and the
 * rest is read in pages at the revision before the delete's, where exactly
 * the deleted pairs are. Reading in the transaction also keeps etcd's rule
 * that returning deleted pairs needs read permission: without it nothing is
 * deleted.
 */
async function deleteRanges(
  core: Core,
  prefix: string,
  ranges: readonly RawRange[],
  options: DeletePrefixOptions,
): Promise<DeletePrefixResult> {
  const context = { op: 'deletePrefix', key: prefix };
  const prevKV = options.prevKV === true;
  if (!prevKV && ranges.length === 1) {
    const { key, rangeEnd: range_end } = ranges[0]!;
    const req = { key, range_end };
    const res = await core.caller.run('write', context, (grpc) => core.rpc.kv.deleteRange(req, grpc), options);
    return { deleted: Number(res.deleted), previous: [], undecodable: 0 };
  }
  const fits = Math.floor((RECEIVE_LIMIT - TXN_OVERHEAD) / core.config.maxRequestBytes);
  const reads: IRequestOp[] = prevKV ? ranges.map((r) => ({ request_range: firstRead(r, ranges.length, fits) })) : [];
  const deletes = ranges.map((r) => ({ request_delete_range: { key: r.key, range_end: r.rangeEnd } }));
  const success = [...reads, ...deletes];
  const res = await core.caller.run('write', context, (grpc) => core.rpc.kv.txn({ success }, grpc), options);
  const answers = res.responses.slice(reads.length);
  const deleted = answers.reduce((n, r) => n + Number(r.response_delete_range?.deleted ?? 0), 0);
  if (!prevKV) return { deleted, previous: [], undecodable: 0 };
  const revision = headerRevision(res);
  const raws: IKeyValue[] = [];
  try {
    for (const [i, range] of ranges.entries()) {
      const first = res.responses[i]!.response_range as IRangeResponse;
      raws.push(...first.kvs, ...(await rest(core, range, first, revision - 1)));
    }
  } catch (err) {
    const message = `deletePrefix '${prefix}': ${deleted} keys deleted at revision ${revision}, but reading their previous values back failed: ${(err as Error).message}`;
    throw new PartialWriteError(message, deleted, deleted, { cause: err });
  }
  return { deleted, ...decodePrevious(core, raws) };
}

/** The read of one range in the delete's transaction: the first pairs that surely fit, or its count. */
function firstRead(range: RawRange, ranges: number, fits: number) {
  const { key, rangeEnd: range_end } = range;
  return ranges === 1 && fits >= 1 ? { key, range_end, limit: fits } : { key, range_end, count_only: true };
}

/** The pairs of `range` at `revision` after those `first` returned. */
async function rest(core: Core, range: RawRange, first: IRangeResponse, revision: number): Promise<IKeyValue[]> {
  if (Number(first.count) <= first.kvs.length) return [];
  const last = first.kvs[first.kvs.length - 1];
  const from = last ? { key: keyAfter(last.key), rangeEnd: range.rangeEnd } : range;
  const out: IKeyValue[] = [];
  for await (const page of scan(core, 'deletePrefix', from, { revision })) out.push(...page.kvs);
  return out;
}
