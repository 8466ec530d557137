import type { IKeyValue, IRangeRequest, IRangeResponse } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { KeyNotFoundError, type ErrorContext } from '../errors/index.js';
import { toKeyValue, type KeyValue } from './types.js';
import { enrichCompacted } from '../watch/compaction.js';
import { explainFuture } from './future.js';
import { checkRevision, isSerializable, readRun, type ConsistencyOptions } from './range-options.js';
import { readBatcher } from './batch.js';
import { checkCallOptions } from '../core/options.js';

/** Options of point reads. */
export interface ReadOptions extends CallOptions, ConsistencyOptions {
  /** Read the key as it was at this revision (must not be compacted). */
  revision?: number;
}

export { checkRevision };

/**
 * One single-key range request: through the read batcher when it may share
 * a batch (no revision: a batch reads at one current revision), else alone.
 */
function rangeOne(
  core: Core,
  request: IRangeRequest,
  ctx: ErrorContext,
  options: ReadOptions,
): Promise<IRangeResponse> {
  const serializable = isSerializable(core, options);
  if (serializable) request.serializable = true;
  const batcher = options.revision === undefined ? readBatcher(core, serializable) : undefined;
  if (batcher) return batcher.range(request, ctx, options);
  return core.caller.run('read', ctx, (grpc) => core.rpc.kv.range(request, grpc), readRun(serializable, options));
}

/** The stored key-value of `key`, as etcd3 returns it (value still encoded). */
async function readOne(core: Core, key: string, options: ReadOptions): Promise<IKeyValue | undefined> {
  checkCallOptions(options);
  const raw = core.keys.encode(key);
  checkRevision(options.revision);
  // One key (no range end): no limit to send (it would cost a 64-bit field to encode and decode).
  const request: IRangeRequest =
    options.revision === undefined ? { key: raw } : { key: raw, revision: options.revision };
  const res = await rangeOne(core, request, { op: 'get', key, revision: options.revision }, options).catch(
    async (err: unknown) => {
      throw await explainFuture(core, await enrichCompacted(core, err, raw));
    },
  );
  return res.kvs[0];
}

export async function find(core: Core, key: string, options: ReadOptions = {}): Promise<KeyValue | undefined> {
  const kv = await readOne(core, key, options);
  return kv && toKeyValue(core, kv);
}

export async function get(core: Core, key: string, options: ReadOptions = {}): Promise<Buffer> {
  // Only the value is wanted: skip decoding the key and the metadata find() builds.
  const kv = await readOne(core, key, options);
  if (!kv) throw new KeyNotFoundError(key);
  return core.codec.decode(kv.key, kv.value, key);
}

export async function exists(core: Core, key: string, options: ReadOptions = {}): Promise<boolean> {
  checkCallOptions(options);
  const raw = core.keys.encode(key);
  checkRevision(options.revision);
  const request: IRangeRequest =
    options.revision === undefined
      ? { key: raw, count_only: true }
      : { key: raw, revision: options.revision, count_only: true };
  const res = await rangeOne(core, request, { op: 'exists', key }, options);
  return Number(res.count) > 0;
}
