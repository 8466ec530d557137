import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { KeyNotFoundError, ValidationError } from '../errors/index.js';
import { toKeyValue, type KeyValue } from './types.js';
import { enrichCompacted } from '../watch/raw.js';

/** Options of point reads. */
export interface ReadOptions extends CallOptions {
  /** Read the key as it was at this revision (must not be compacted). */
  revision?: number;
}

export function checkRevision(revision: number | undefined): void {
  if (revision !== undefined && (!Number.isSafeInteger(revision) || revision <= 0)) {
    throw new ValidationError(`revision must be a positive whole number, got ${revision}`);
  }
}

export async function find(core: Core, key: string, options: ReadOptions = {}): Promise<KeyValue | undefined> {
  const raw = core.keys.encode(key);
  checkRevision(options.revision);
  const res = await core.caller
    .run('read', { op: 'get', key }, (grpc) => core.etcd.kv.range({ key: raw, revision: options.revision, limit: 1 }, grpc), options)
    .catch(async (err: unknown) => {
      throw await enrichCompacted(core, err, raw);
    });
  const kv = res.kvs[0];
  return kv && toKeyValue(core, kv);
}

export async function get(core: Core, key: string, options: ReadOptions = {}): Promise<Buffer> {
  const kv = await find(core, key, options);
  if (!kv) throw new KeyNotFoundError(key);
  return kv.value;
}

export async function exists(core: Core, key: string, options: CallOptions = {}): Promise<boolean> {
  const raw = core.keys.encode(key);
  const res = await core.caller.run(
    'read',
    { op: 'exists', key },
    (grpc) => core.etcd.kv.range({ key: raw, count_only: true }, grpc),
    options,
  );
  return Number(res.count) > 0;
}
