import type { IKeyValue, IRangeRequest } from 'etcd3';
import type { CallOptions } from '../core/call.js';
import type { Core } from '../core/core.js';
import { headerRevision } from '../core/ids.js';
import { ValidationError } from '../errors/index.js';
import { chunkForTxn, runChunks } from './chunk.js';
import { checkRevision, isSerializable, readRun, type ConsistencyOptions } from './range-options.js';
import { smallerPage } from './scan.js';
import { toKeyValue, type KeyValue } from './types.js';

/** Options of {@link Client.getMany}. */
export interface GetManyOptions extends CallOptions, ConsistencyOptions {
  /** Read every key as it was at this revision. */
  revision?: number;
}

/**
 * What {@link Client.getMany} returns: the keys that exist, with their
 * values, plus the revision(s) they were read at.
 */
export interface GetManyResult extends Map<string, KeyValue> {
  /**
   * The revision each read was served at. One entry when the keys were read
   * at one revision: always so for a linearizable read of one cluster (keys
   * beyond one transaction are read in chunks pinned to the first chunk's
   * revision). A serializable read in several chunks lists each chunk's
   * revision (they may differ); with partitions, one entry per cluster read.
   */
  readonly revisions: readonly number[];
}

/** Builds a {@link GetManyResult} from entries and revisions. */
export function manyResult(entries: Iterable<[string, KeyValue]>, revisions: readonly number[]): GetManyResult {
  const map = new Map(entries) as Map<string, KeyValue> & { revisions: readonly number[] };
  Object.defineProperty(map, 'revisions', { value: Object.freeze([...new Set(revisions)]), enumerable: false });
  return map;
}

/** The distinct keys of `keys`, validated before anything is sent. */
export function distinctKeys(keys: Iterable<string>): string[] {
  if (keys === null || typeof keys !== 'object' || typeof (keys as Iterable<string>)[Symbol.iterator] !== 'function') {
    throw new ValidationError('keys must be an iterable of strings');
  }
  return [...new Set(keys)];
}

/**
 * Reads many keys in read-only transactions (as many as `maxTxnOps` and
 * `maxRequestBytes` require), the first deciding the revision the rest are
 * pinned to when linearizable. A reply over the receive limit is split in
 * halves and sent again.
 */
export async function getMany(
  core: Core,
  keys: Iterable<string>,
  options: GetManyOptions = {},
): Promise<GetManyResult> {
  checkRevision(options.revision);
  const serializable = isSerializable(core, options);
  const wanted = distinctKeys(keys).map((key) => ({ key, raw: core.keys.encode(key) }));
  const chunks = chunkForTxn(wanted, (k) => k.raw.length + 16, core.config, false);
  const found: IKeyValue[] = [];
  const revisions: number[] = [];
  let pinned = options.revision;
  const run = readRun(serializable, options);
  const read = async (chunk: typeof wanted): Promise<void> => {
    const ranges: IRangeRequest[] = chunk.map((k) => ({ key: k.raw, revision: pinned, serializable }));
    try {
      const res = await core.caller.run(
        'read',
        { op: 'getMany' },
        (grpc) => core.rpc.kv.txn({ success: ranges.map((r) => ({ request_range: r })) }, grpc),
        run,
      );
      const at = headerRevision(res);
      revisions.push(pinned ?? at);
      if (!serializable) pinned ??= at;
      for (const r of res.responses) found.push(...(r.response_range?.kvs ?? []));
    } catch (err) {
      if (chunk.length === 1 || smallerPage(err, chunk.length) === undefined) throw err;
      const half = Math.ceil(chunk.length / 2);
      await read(chunk.slice(0, half));
      await read(chunk.slice(half));
    }
  };
  // The first chunk fixes the revision; the rest go a few at a time, pinned to it.
  if (chunks.length > 0) await read(chunks[0]!);
  const rest = await runChunks(chunks.slice(1), 4, read);
  if ('error' in rest) throw rest.error;
  return manyResult(
    found.map((kv) => {
      const v = toKeyValue(core, kv);
      return [v.key, v];
    }),
    revisions,
  );
}
