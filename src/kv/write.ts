import type { IKeyValue } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision, leaseToWire } from '../core/ids.js';
import { toBuffer, type Value } from '../codec/index.js';
import { checkCallOptions } from '../core/options.js';
import { ValidationError } from '../errors/index.js';
import { show } from '../config/show.js';
import { checkPutSize } from './limits.js';
import type { KeyValue, LeaseRef } from './types.js';
import { decodePrevious } from './previous.js';
import { writeBatcher } from './write-batch.js';

/** Options of {@link Client.put}. */
export interface PutOptions extends CallOptions {
  /** Attach the key to this lease: it is deleted when the lease expires or is revoked. */
  lease?: LeaseRef;
  /** Return the key's previous value and metadata as `previous`. */
  prevKV?: boolean;
}

/** What {@link Client.put} returns. */
export interface PutResult {
  /** The cluster revision of the write (the key's new mod revision). */
  readonly revision: number;
  /** The key as it was before the write, when `prevKV` was set and the key existed (and could be decoded). */
  readonly previous?: KeyValue;
  /**
   * With `prevKV`: 1 when the key existed but its previous value could not be
   * decoded (e.g. written in plaintext by another tool under encryption), so
   * `previous` is left out; the write was applied all the same. Else 0.
   */
  readonly undecodable?: number;
}

/** A put checked and encoded, ready to send. */
export interface EncodedPut {
  readonly key: string;
  readonly etcdKey: Buffer;
  readonly value: Buffer;
}

/** Validates and encodes one put through the value pipeline; throws before anything is sent. */
export function encodePut(core: Core, key: string, value: Value): EncodedPut {
  const etcdKey = core.keys.encode(key);
  const stored = core.codec.encode(etcdKey, toBuffer(value, key));
  checkPutSize(core.config, key, etcdKey, stored);
  return { key, etcdKey, value: stored };
}

/**
 * Checks a write's options before anything is encoded or sent (a batched
 * write must fail alone on its own bad input).
 * @throws {@link ValidationError} for options that are not an object, a bad `timeoutMs` or `signal`, a `prevKV` that is not a boolean.
 */
export function checkWriteOptions(options: { readonly prevKV?: unknown } & CallOptions): void {
  checkCallOptions(options);
  if (options.prevKV !== undefined && typeof options.prevKV !== 'boolean')
    throw new ValidationError(`prevKV must be true or false, got ${show(options.prevKV)}`);
}

export function leaseOf(ref: LeaseRef | undefined): string | undefined {
  if (ref === undefined) return undefined;
  // Anything but a handle is passed on as is, so the error names what was given.
  const isHandle = typeof ref === 'object' && ref !== null && 'id' in ref;
  return leaseToWire(isHandle ? ref.id : (ref as string));
}

export async function put(core: Core, key: string, value: Value, options: PutOptions = {}): Promise<PutResult> {
  checkWriteOptions(options);
  const op = encodePut(core, key, value);
  const lease = leaseOf(options.lease);
  const batcher = writeBatcher(core);
  if (batcher) {
    const request = { key: op.etcdKey, value: op.value, lease, prev_kv: options.prevKV === true };
    const { revision, response } = await batcher.write(
      { request_put: request },
      op.etcdKey,
      { op: 'put', key },
      options,
    );
    return withPrevious(core, { revision }, options, response.response_put?.prev_kv);
  }
  const res = await core.caller.run(
    'write',
    { op: 'put', key },
    (grpc) => core.rpc.kv.put({ key: op.etcdKey, value: op.value, lease, prev_kv: options.prevKV === true }, grpc),
    options,
  );
  return withPrevious(core, { revision: headerRevision(res) }, options, res.prev_kv);
}

/** A put's result with its previous key-value, when asked for. */
function withPrevious(
  core: Core,
  result: PutResult,
  options: PutOptions,
  raw: IKeyValue | null | undefined,
): PutResult {
  if (options.prevKV !== true) return result;
  const { previous, undecodable } = decodePrevious(core, raw ? [raw] : []);
  return previous[0] ? { ...result, previous: previous[0], undecodable } : { ...result, undecodable };
}

/** Options of {@link Client.delete}. */
export interface DeleteOptions extends CallOptions {
  /** Return the removed key-value (decoded through the value pipeline) as `previous`. */
  prevKV?: boolean;
  /**
   * `key` is in the escaped form `invalidKeys: 'escape'` returns: each `\xHH`
   * (80-ff) stands for that byte. The way to delete a key that is not valid
   * UTF-8 (written by another tool), which no plain string names.
   * @default false
   */
  escapedKey?: boolean;
}

/** What {@link Client.delete} returns with `prevKV: true`. */
export interface DeleteResult {
  /** How many keys were deleted (0 or 1). */
  readonly deleted: number;
  /** The key as it was just before the deletion, or `undefined` when it did not exist (or could not be decoded). */
  readonly previous: KeyValue | undefined;
  /**
   * 1 when the key was deleted but its previous value could not be decoded
   * (e.g. written in plaintext by another tool under encryption), so
   * `previous` is `undefined`; else 0.
   */
  readonly undecodable: number;
}

export async function del(core: Core, key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
  checkWriteOptions(options);
  const etcdKey = options.escapedKey === true ? core.keys.encodeEscaped(key) : core.keys.encode(key);
  const prev_kv = options.prevKV === true;
  const request = prev_kv ? { key: etcdKey, prev_kv } : { key: etcdKey };
  const batcher = writeBatcher(core);
  const res = batcher
    ? (await batcher.write({ request_delete_range: request }, etcdKey, { op: 'delete', key }, options)).response
        .response_delete_range!
    : await core.caller.run('write', { op: 'delete', key }, (grpc) => core.rpc.kv.deleteRange(request, grpc), options);
  const invalidKeys = options.escapedKey === true ? 'escape' : undefined;
  const { previous, undecodable } = decodePrevious(core, res.prev_kvs, invalidKeys);
  return { deleted: Number(res.deleted), previous: previous[0], undecodable };
}
