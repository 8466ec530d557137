import type { IKeyValue } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { KeyNotFoundError, ValidationError } from '../errors/index.js';
import { toKeyValue, type KeyValue } from './types.js';
import { enrichCompacted } from '../core/stream.js';

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

/** The stored key-value of `key`, as etcd3 returns it (value still encoded). */
async function readOne(core: Core, key: string, options: ReadOptions): Promise<IKeyValue | undefined> {
  const raw = core.keys.encode(key);
  checkRevision(options.revision);
  const res = await core.caller
    .run('read', { op: 'get', key }, (grpc) => core.etcd.kv.range({ key: raw, revision: options.revision, limit: 1 }, grpc), options)
    .catch(async (err: unknown) => {
      throw await enrichCompacted(core, err, raw);
    });
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
