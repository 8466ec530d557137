import { checkBufferSize, checkRevision } from '../config/checks.js';
import type { IWatchCreateRequest } from 'etcd3';
import { checkSignal } from '../core/options.js';
import { ValidationError } from '../errors/index.js';
import { checkInvalidKeys, type InvalidKeyPolicy } from '../keys/index.js';
import type { WatchEvent, WatchEventType } from '../kv/events.js';

/** Options of {@link Client.watch} and {@link Client.watchPrefix}. */
export interface WatchOptions {
  /**
   * Deliver every change from this revision on (inclusive), replaying history.
   * Default: changes made after the watch is created.
   */
  fromRevision?: number;
  /** Attach the key's previous value to each event as `previous`. @default false */
  prevKV?: boolean;
  /** Only these kinds of events (filtered by the server). @default ['put', 'delete'] */
  types?: readonly WatchEventType[];
  /** Closes the watch; iteration then throws {@link CancelledError}. */
  signal?: AbortSignal;
  /**
   * Receive events through this function instead of iterating. It is awaited
   * before the next event is delivered; if it throws, the watch fails with that
   * error (see {@link Watch.done}) and the error is reported as a throwing
   * listener's ({@link ListenerErrorInfo}, source `'watch.callback'`); the
   * process goes on.
   */
  callback?: (event: WatchEvent) => void | Promise<void>;
  /**
   * Events held for a slow consumer. Once this many are waiting, the watch stops
   * reading its stream (etcd holds the rest) until the consumer has taken half
   * of them; it can exceed the bound by the events of one server response.
   * @default 1000
   */
  bufferSize?: number;
  /**
   * What to do with an event whose value (or, with `prevKV`, previous value)
   * cannot be decoded, typically a value written without encryption by
   * another tool into an encrypted prefix. `'fail'` ends the watch with
   * {@link DecryptionError}: anyone able to write one such value under the
   * prefix stops every watch on it. `'skip'` drops the event, counts it in
   * {@link Watch.skipped} and carries on.
   * @default 'fail'
   */
  onDecryptionError?: DecryptionErrorPolicy;
  /**
   * Give this watch a gRPC stream of its own instead of sharing the client's
   * streams (up to 1,000 watches per stream, at most 8 streams). A watch on its
   * own stream pauses the stream when its buffer is full; a shared watch
   * cancels its watcher on the server instead and creates it again, from the
   * revision after its last event, once the consumer caught up.
   * @default false
   */
  ownStream?: boolean;
  /**
   * What to do with an event whose key is not valid UTF-8 (written by another
   * tool): `'fail'` ends the watch with {@link KeyEncodingError}; `'escape'`
   * delivers it with each invalid byte of the key as `\xHH` (`/k\xfe`).
   * @default 'fail'
   */
  invalidKeys?: InvalidKeyPolicy;
}

/** What a watch or a mirror does with a value it cannot decode: end with the error, or skip it and count it. */
export type DecryptionErrorPolicy = 'fail' | 'skip';

/** Refuses anything but `'fail'`, `'skip'` or `undefined`. */
export function checkDecryptionPolicy(policy: unknown): void {
  if (policy !== undefined && policy !== 'fail' && policy !== 'skip') {
    throw new ValidationError(`onDecryptionError must be 'fail' or 'skip', got ${String(policy)}`);
  }
}

/** Options of {@link Client.watchPrefix}. */
export interface PrefixWatchOptions extends WatchOptions {
  /** Required to watch the empty prefix (every key of the namespace). */
  all?: boolean;
}

export const DEFAULT_BUFFER = 1000;

export function validate(options: WatchOptions): void {
  const { fromRevision, bufferSize, types, callback } = options;
  checkSignal(options.signal);
  checkInvalidKeys(options.invalidKeys);
  if (fromRevision !== undefined) checkRevision('fromRevision', fromRevision);
  checkBufferSize(bufferSize);
  for (const t of types ?? []) {
    if (t !== 'put' && t !== 'delete') throw new ValidationError(`types must hold 'put' or 'delete', got ${String(t)}`);
  }
  if (callback !== undefined && typeof callback !== 'function')
    throw new ValidationError('callback must be a function');
  checkDecryptionPolicy(options.onDecryptionError);
  if (options.ownStream !== undefined && typeof options.ownStream !== 'boolean') {
    throw new ValidationError(`ownStream must be true or false, got ${String(options.ownStream)}`);
  }
}

export function createRequest(
  range: { readonly key: Buffer; readonly rangeEnd?: Buffer },
  options: WatchOptions,
): IWatchCreateRequest {
  const types = options.types ?? ['put', 'delete'];
  const filters: Array<'Noput' | 'Nodelete'> = [];
  if (!types.includes('put')) filters.push('Noput');
  if (!types.includes('delete')) filters.push('Nodelete');
  const rangeEnd = range.rangeEnd ? { range_end: range.rangeEnd } : {};
  return {
    key: range.key,
    ...rangeEnd,
    prev_kv: options.prevKV === true,
    progress_notify: true,
    fragment: true,
    filters,
  };
}
