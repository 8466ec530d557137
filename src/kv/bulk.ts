import type { IRequestOp } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision } from '../core/ids.js';
import type { Value } from '../codec/index.js';
import { PartialWriteError, ValidationError, mapError } from '../errors/index.js';
import { chunkForTxn, runChunks } from './chunk.js';
import { OP_OVERHEAD } from './limits.js';
import { encodePut, leaseOf, type EncodedPut } from './write.js';
import type { LeaseRef } from './types.js';
import { checkWhole } from '../config/checks.js';
import { show } from '../config/show.js';

/** Key/value pairs as a plain object, a `Map`, or any iterable of pairs. */
export type Entries = Record<string, Value> | ReadonlyMap<string, Value> | Iterable<readonly [string, Value]>;

/** Options of {@link Client.bulkPut} and {@link Client.bulkDelete}. */
export interface BulkOptions extends CallOptions {
  /**
   * Never split: one transaction or {@link TxnTooLargeError} (nothing sent).
   * @default false
   */
  atomic?: boolean;
  /**
   * Transactions in flight at once when the input is split.
   * @default 4
   */
  concurrency?: number;
}

/** Options of {@link Client.bulkPut}. */
export interface BulkPutOptions extends BulkOptions {
  /** Attach every key to this lease. */
  lease?: LeaseRef;
}

/** What a bulk write returns. */
export interface BulkResult {
  /** Keys written (bulkPut) or deleted (bulkDelete). */
  readonly count: number;
  /** The revision of each transaction, in input order of the chunks (one entry when not split). */
  readonly revisions: number[];
}

const DEFAULT_CONCURRENCY = 4;

export function* pairs(entries: Entries): Iterable<readonly [string, Value]> {
  if (entries === null || typeof entries !== 'object') {
    throw new ValidationError(`entries must be an object, a Map or an iterable of pairs, got ${show(entries)}`);
  }
  if (!(Symbol.iterator in entries)) {
    yield* Object.entries(entries as Record<string, Value>);
    return;
  }
  for (const pair of entries as Iterable<unknown>) {
    // Destructuring anything but a [key, value] pair would fail as a raw TypeError.
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new ValidationError(`entries must hold [key, value] pairs, got ${show(pair)}`);
    }
    yield pair as [string, Value];
  }
}

/** The keys of a bulk delete, refusing anything that is not an iterable. */
export function bulkKeys(keys: Iterable<string>): string[] {
  if (keys === null || typeof (keys as Partial<Iterable<string>>)?.[Symbol.iterator] !== 'function') {
    throw new ValidationError(`keys must be an iterable of strings, got ${show(keys)}`);
  }
  return [...keys];
}

function concurrencyOf(options: BulkOptions): number {
  return checkWhole('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY);
}

export async function bulkPut(core: Core, entries: Entries, options: BulkPutOptions = {}): Promise<BulkResult> {
  // A key given twice keeps its last value: etcd refuses duplicate keys in one txn.
  const byKey = new Map<string, EncodedPut>();
  for (const [key, value] of pairs(entries)) byKey.set(key, encodePut(core, key, value));
  const lease = leaseOf(options.lease);
  const ops = [...byKey.values()];
  const cost = (p: EncodedPut) => p.etcdKey.length + p.value.length + OP_OVERHEAD;
  const chunks = chunkForTxn(ops, cost, core.config, options.atomic === true);
  return runBulk(core, 'bulkPut', chunks, concurrencyOf(options), options, (chunk) => ({
    success: chunk.map((p) => ({ request_put: { key: p.etcdKey, value: p.value, lease } })),
  }));
}

export async function bulkDelete(core: Core, keys: Iterable<string>, options: BulkOptions = {}): Promise<BulkResult> {
  const etcdKeys = [...new Map(bulkKeys(keys).map((k) => [k, core.keys.encode(k)] as const)).values()];
  const chunks = chunkForTxn(etcdKeys, (k) => k.length + OP_OVERHEAD, core.config, options.atomic === true);
  return runBulk(core, 'bulkDelete', chunks, concurrencyOf(options), options, (chunk) => ({
    success: chunk.map((key) => ({ request_delete_range: { key } })),
  }));
}

type TxnBody = { success: IRequestOp[] };

async function runBulk<T>(
  core: Core,
  op: string,
  chunks: T[][],
  concurrency: number,
  options: CallOptions,
  body: (chunk: T[]) => TxnBody,
): Promise<BulkResult> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let count = 0;
  const { results, applied, error } = await runChunks(chunks, concurrency, async (chunk) => {
    const res = await core.caller.run('write', { op }, (grpc) => core.rpc.kv.txn(body(chunk), grpc), options);
    count +=
      op === 'bulkPut'
        ? chunk.length
        : res.responses.reduce((n, r) => n + Number(r.response_delete_range?.deleted ?? 0), 0);
    return headerRevision(res);
  });
  if (error !== undefined) {
    const cause = mapError(error, { op });
    if (applied === 0) throw cause;
    throw new PartialWriteError(
      `${op}: ${applied} of ${total} entries applied before: ${cause.message}`,
      applied,
      total,
      {
        cause,
      },
    );
  }
  return { count, revisions: results };
}
