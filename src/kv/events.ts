import type { IEvent, IKeyValue } from 'etcd3';
import type { Core } from '../core/core.js';
import { revision } from '../core/ids.js';
import type { InvalidKeyPolicy } from '../keys/index.js';
import { toKeyValue, type KeyValue } from './types.js';

/** What every watch event carries. */
interface EventBase {
  /** The key, without the client's namespace. */
  readonly key: string;
  /** The revision at which the key was created; 0 for a delete. */
  readonly createRevision: number;
  /** The revision of this change: strictly increasing across the events of a watch (events of one transaction share it). */
  readonly modRevision: number;
  /** The key's version after the change (1 on creation); 0 for a delete. */
  readonly version: number;
  /** The key before the change, when the watch was opened with `prevKV` (and it is not compacted). */
  readonly previous?: KeyValue;
}

/** A key was written. `value` is decoded through the value pipeline. */
export interface PutEvent extends EventBase {
  /** The kind of change. */
  readonly type: 'put';
  /** The value written, decoded through the value pipeline. */
  readonly value: Buffer;
  /** The lease id (hex) the key is attached to, or `undefined`. */
  readonly lease: string | undefined;
}

/** A key was deleted (explicitly, by a range delete or by lease expiry). `value` is empty. */
export interface DeleteEvent extends EventBase {
  /** The kind of change. */
  readonly type: 'delete';
  /** Always empty: a deleted key has no value (see `previous` with `prevKV`). */
  readonly value: Buffer;
}

/** One change seen by a watch. Branch on `type`. */
export type WatchEvent = PutEvent | DeleteEvent;

/** The kinds of events a watch can be limited to. */
export type WatchEventType = WatchEvent['type'];

const EMPTY = Buffer.alloc(0);

function previousOf(
  core: Core,
  prev: IKeyValue | null | undefined,
  invalidKeys?: InvalidKeyPolicy,
): KeyValue | undefined {
  // etcd3 decodes an absent message as null or as a key-value with an empty key.
  return prev?.key && prev.key.length > 0 ? toKeyValue(core, prev, invalidKeys) : undefined;
}

/** Builds a {@link WatchEvent} from a raw event; put values go through the codec, deletes carry no value. */
export function toWatchEvent(core: Core, ev: IEvent, invalidKeys?: InvalidKeyPolicy): WatchEvent {
  const previous = previousOf(core, ev.prev_kv, invalidKeys);
  const kv = ev.kv;
  if (ev.type === 'Delete') {
    const base = {
      type: 'delete' as const,
      key: core.keys.decode(kv.key, invalidKeys),
      value: EMPTY,
      createRevision: 0,
      modRevision: revision(kv.mod_revision),
      version: 0,
    };
    return previous ? { ...base, previous } : base;
  }
  const { key, value, createRevision, modRevision, version, lease } = toKeyValue(core, kv, invalidKeys);
  const base = { type: 'put' as const, key, value, createRevision, modRevision, version, lease };
  return previous ? { ...base, previous } : base;
}
