import { EtcdKitError, type EtcdKitErrorOptions } from './base.js';
import { UnavailableError } from './server.js';

/** A stored value could not be decrypted or decoded: wrong key, unknown key id, tampering or plaintext. */
export class DecryptionError extends EtcdKitError {
  override readonly name = 'DecryptionError' as const;
  readonly code = 'DECRYPT_FAILED' as const;
  constructor(
    /** The key (without namespace) whose value failed. */
    readonly key: string,
    reason: string,
    options?: EtcdKitErrorOptions,
  ) {
    super(`cannot decode value of '${key}': ${reason}`, options);
  }
}

/** An optimistic transaction kept conflicting with other writers and ran out of retries. */
export class ConflictError extends EtcdKitError {
  override readonly name = 'ConflictError' as const;
  readonly code = 'CONFLICT' as const;
}

/** An operation needs keys that live in more than one partition. */
export class CrossPartitionError extends EtcdKitError {
  override readonly name = 'CrossPartitionError' as const;
  readonly code = 'CROSS_PARTITION' as const;
}

/** A lock or session was lost (its lease expired or was revoked) while held. */
export class LockLostError extends EtcdKitError {
  override readonly name = 'LockLostError' as const;
  readonly code = 'LOCK_LOST' as const;
}

/**
 * One partition of a partitioned client could not be reached; keys of the
 * other partitions keep working. An {@link UnavailableError} (code
 * `UNAVAILABLE`, retryable) that says which partition.
 */
export class PartitionUnavailableError extends UnavailableError {
  override readonly name = 'PartitionUnavailableError';
  constructor(
    /** The prefix of the unreachable partition; `''` for the default partition. */
    readonly partition: string,
    message: string,
    options?: EtcdKitErrorOptions,
  ) {
    super(message, options);
  }
}
