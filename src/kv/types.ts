import type { IKeyValue } from 'etcd3';
import type { Core } from '../core/core.js';
import { leaseFromWire, revision } from '../core/ids.js';
import type { InvalidKeyPolicy } from '../keys/index.js';

/** A key with its value and metadata, as stored at some revision. */
export interface KeyValue {
  /** The key, without the client's namespace. */
  readonly key: string;
  /** The value, decoded through the value pipeline. */
  readonly value: Buffer;
  /** The revision at which the key was created (since its last deletion). */
  readonly createRevision: number;
  /** The revision of the key's last modification. */
  readonly modRevision: number;
  /** How many times the key was written since it was created (1 on creation). */
  readonly version: number;
  /** The lease id (hex) the key is attached to, or `undefined`. */
  readonly lease: string | undefined;
}

/** A lease given by id (hex string) or as a handle that has one. */
export type LeaseRef =
  | string
  | {
      /** The lease id (hex). */
      readonly id: string;
    };

/** Builds a {@link KeyValue} from a raw etcd3 key-value, decoding key and value. */
export function toKeyValue(core: Core, kv: IKeyValue, invalidKeys?: InvalidKeyPolicy): KeyValue {
  const key = core.keys.decode(kv.key, invalidKeys);
  return {
    key,
    value: core.codec.decode(kv.key, kv.value, key),
    createRevision: revision(kv.create_revision),
    modRevision: revision(kv.mod_revision),
    version: revision(kv.version),
    lease: leaseFromWire(kv.lease),
  };
}
