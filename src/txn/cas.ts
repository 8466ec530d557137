import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { toBuffer, type Value } from '../codec/index.js';
import { ConflictError } from '../errors/index.js';
import { find, type KeyValue, type LeaseRef } from '../kv/index.js';
import { commitTxn } from './builder.js';
import { compare } from './compare.js';
import { op, type GetOpResult, type PutOp } from './ops.js';

/** Options of {@link Client.compareAndSwap} and {@link Client.putIfAbsent}. */
export interface CasOptions extends CallOptions {
  /** Attach the written key to this lease. */
  lease?: LeaseRef;
}

/**
 * How many times a revision-guarded swap is tried while other writers keep
 * rewriting the key with the very value expected (each failed guard is a
 * definite "not applied", so trying again never applies the swap twice).
 */
const MAX_GUARD_ATTEMPTS = 16;

/**
 * Writes `next` under `key` if its current (plaintext) value is `expected`,
 * or, with `expected` undefined, if the key does not exist. Resolves to
 * whether the write happened.
 *
 * Without a transforming value pipeline this is one transaction comparing
 * the stored bytes. When values are encrypted or compressed the server cannot
 * compare them, so the key is read and decoded, the plaintexts compared here,
 * and the write guarded on the mod revision that was read.
 */
export async function compareAndSwap(
  core: Core,
  key: string,
  expected: Value | undefined,
  next: Value,
  options: CasOptions = {},
): Promise<boolean> {
  toBuffer(next, key); // refuse a bad value before reading anything
  const put = op.put(key, next, options.lease === undefined ? {} : { lease: options.lease });
  if (expected === undefined) {
    return (await commitTxn(core, { if: [compare.absent(key)], onSuccess: [put], onFailure: [] }, options)).succeeded;
  }
  const want = toBuffer(expected, key);
  if (!core.codec.transforms) {
    return (await commitTxn(core, { if: [compare.value(key, '==', want)], onSuccess: [put], onFailure: [] }, options))
      .succeeded;
  }
  return swapByRevision(core, key, want, put, options);
}

/**
 * The read, compare, guarded-write loop. When the guard fails, someone wrote
 * the key between the read and the write; the failure branch reads it again
 * in the same round trip. If the new plaintext differs, the answer is `false`
 * (true at that read: the value was not `expected`). If it is still
 * `expected` (rewritten with the same value), answering `false` would be
 * wrong at every instant of the call, so the swap is tried again on the new
 * revision.
 */
async function swapByRevision(
  core: Core,
  key: string,
  want: Buffer,
  put: PutOp,
  options: CallOptions,
): Promise<boolean> {
  let current: KeyValue | undefined = await find(core, key, options);
  for (let attempt = 0; attempt < MAX_GUARD_ATTEMPTS; attempt++) {
    if (!current?.value.equals(want)) return false;
    const res = await commitTxn(
      core,
      { if: [compare.modRevision(key, '==', current.modRevision)], onSuccess: [put], onFailure: [op.get(key)] },
      options,
    );
    if (res.succeeded) return true;
    current = (res.results[0] as GetOpResult).kvs[0];
  }
  throw new ConflictError(
    `compareAndSwap '${key}': the key kept being rewritten, gave up after ${MAX_GUARD_ATTEMPTS} attempts`,
  );
}

/**
 * Writes `value` under `key` only if the key does not exist; resolves to
 * whether it was written.
 */
export async function putIfAbsent(core: Core, key: string, value: Value, options: CasOptions = {}): Promise<boolean> {
  return compareAndSwap(core, key, undefined, value, options);
}
