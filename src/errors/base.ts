/**
 * Every stable error code etcdkit uses. Branch on these (or on `instanceof`),
 * never on message text.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'VALIDATION'
  | 'VALUE_TOO_LARGE'
  | 'TXN_TOO_LARGE'
  | 'KEY_NOT_FOUND'
  | 'KEY_ENCODING'
  | 'FUTURE_REVISION'
  | 'REQUEST_REFUSED'
  | 'CONNECTION_FAILED'
  | 'AUTH_FAILED'
  | 'PERMISSION_DENIED'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'AMBIGUOUS_WRITE'
  | 'PARTIAL_WRITE'
  | 'QUOTA_EXCEEDED'
  | 'COMPACTED'
  | 'RESPONSE_TOO_LARGE'
  | 'DECRYPT_FAILED'
  | 'CANCELLED'
  | 'CONFLICT'
  | 'CROSS_PARTITION'
  | 'LEASE_NOT_FOUND'
  | 'LOCK_LOST'
  | 'CLOSED'
  | 'SERVER_ERROR';

/** Options every {@link EtcdKitError} accepts. */
export interface EtcdKitErrorOptions {
  /** The underlying error (usually the one `etcd3` or gRPC raised). */
  cause?: unknown;
  /** Overrides the subclass' default for {@link EtcdKitError.retryable}. */
  retryable?: boolean;
}

/**
 * The base of every error etcdkit throws.
 *
 * @example
 * ```ts
 * try {
 *   await client.get('/missing');
 * } catch (err) {
 *   if (err instanceof EtcdKitError && err.code === 'KEY_NOT_FOUND') { ... }
 * }
 * ```
 */
export abstract class EtcdKitError extends Error {
  /** The error's class name, e.g. `'KeyNotFoundError'` (shown by `console.log` and in stack traces). */
  declare readonly name: string;
  /** A stable, machine-readable code. */
  abstract readonly code: ErrorCode;
  /**
   * True when repeating the same call later may succeed (the server was
   * unreachable, a deadline passed). False for bad input and for writes whose
   * outcome is unknown.
   */
  readonly retryable: boolean;

  constructor(message: string, options: EtcdKitErrorOptions = {}, retryableByDefault = false) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? retryableByDefault;
  }
}
