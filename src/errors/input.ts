import { EtcdKitError, type EtcdKitErrorOptions } from './base.js';

/**
 * A {@link Config} method received a value it cannot use. Thrown by the
 * `with…` call that received it, before anything connects.
 */
export class ConfigError extends EtcdKitError {
  override readonly name = 'ConfigError' as const;
  readonly code = 'CONFIG_INVALID' as const;
  constructor(
    /** The configuration field at fault, e.g. `'timeout'`. */
    readonly field: string,
    message: string,
    options?: EtcdKitErrorOptions,
  ) {
    super(`'${field}' ${message}`, options);
  }
}

/** An argument was refused before any request was sent. */
export class ValidationError extends EtcdKitError {
  override readonly name: string = 'ValidationError';
  readonly code: 'VALIDATION' | 'VALUE_TOO_LARGE' | 'TXN_TOO_LARGE' = 'VALIDATION';
}

/** A value (after encoding) would exceed the server's request size limit. */
export class ValueTooLargeError extends ValidationError {
  override readonly name = 'ValueTooLargeError' as const;
  override readonly code = 'VALUE_TOO_LARGE' as const;
  constructor(
    /** The key the value was meant for. */
    readonly key: string,
    /** The request size in bytes the value would need. */
    readonly size: number,
    /** The configured limit (`maxRequestBytes`). */
    readonly limit: number,
  ) {
    super(`value for '${key}' needs ${size} bytes, over the request limit of ${limit} bytes`);
  }
}

/** A transaction would exceed `maxTxnOps` or `maxRequestBytes` and may not be split. */
export class TxnTooLargeError extends ValidationError {
  override readonly name = 'TxnTooLargeError' as const;
  override readonly code = 'TXN_TOO_LARGE' as const;
  constructor(
    /**
     * Operations in the transaction as etcd counts them against
     * `--max-txn-ops`: the largest of its compare, success and failure lists,
     * plus, through nested transactions, the largest count of a nested one.
     */
    readonly ops: number,
    /** Approximate request size in bytes. */
    readonly bytes: number,
    /** The limits that were exceeded. */
    readonly limits: {
      /** The configured `maxTxnOps`. */
      maxTxnOps: number;
      /** The configured `maxRequestBytes`. */
      maxRequestBytes: number;
    },
  ) {
    super(
      `transaction of ${ops} operations (as etcd counts them: the largest of the compare, success and failure ` +
        `lists, nested transactions added) and ~${bytes} bytes exceeds the limits ` +
        `(${limits.maxTxnOps} operations, ${limits.maxRequestBytes} bytes)`,
    );
  }
}

/** The key does not exist (at the requested revision). */
export class KeyNotFoundError extends EtcdKitError {
  override readonly name = 'KeyNotFoundError' as const;
  readonly code = 'KEY_NOT_FOUND' as const;
  constructor(
    /** The key that was asked for (without the client's namespace). */
    readonly key: string,
    options?: EtcdKitErrorOptions,
  ) {
    super(`key not found: ${key}`, options);
  }
}

/** The operation was aborted through its `AbortSignal`. */
export class CancelledError extends EtcdKitError {
  override readonly name = 'CancelledError' as const;
  readonly code = 'CANCELLED' as const;
}

/** The client (or handle) was closed before or during the call. */
export class ClosedError extends EtcdKitError {
  override readonly name = 'ClosedError' as const;
  readonly code = 'CLOSED' as const;
}

/**
 * A key stored in etcd is not valid UTF-8 (written by another tool), so it
 * cannot be returned as a string without merging it with other keys. Thrown
 * by listings, reads and watches that meet such a key, instead of returning
 * a lossy string. Inspect or remove it with `etcdctl` using the bytes in
 * `key` (e.g. `etcdctl del "$(printf '\xfe')"`); see the key-value guide.
 */
export class KeyEncodingError extends EtcdKitError {
  override readonly name = 'KeyEncodingError' as const;
  readonly code = 'KEY_ENCODING' as const;
  constructor(
    /** The full etcd key as stored (namespace included), byte for byte. */
    readonly key: Buffer,
    options?: EtcdKitErrorOptions,
  ) {
    super(`key 0x${key.toString('hex')} is not valid UTF-8 and cannot be returned as a string`, options);
  }
}
