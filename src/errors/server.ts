import { EtcdKitError, type EtcdKitErrorOptions } from './base.js';

/** No endpoint answered within the dial timeout, or the TLS handshake failed. */
export class ConnectionError extends EtcdKitError {
  override readonly name = 'ConnectionError' as const;
  readonly code = 'CONNECTION_FAILED' as const;
  constructor(
    message: string,
    /** The endpoints that were tried. */
    readonly endpoints: readonly string[],
    options?: EtcdKitErrorOptions,
  ) {
    super(message, options, true);
  }
}

/** Wrong user name or password, or an auth token the server refused. */
export class AuthError extends EtcdKitError {
  override readonly name = 'AuthError' as const;
  readonly code = 'AUTH_FAILED' as const;
}

/** The authenticated user's roles do not allow the operation. */
export class PermissionDeniedError extends EtcdKitError {
  override readonly name = 'PermissionDeniedError' as const;
  readonly code = 'PERMISSION_DENIED' as const;
}

/** The server (or every endpoint) could not be reached. Safe to retry reads. */
export class UnavailableError extends EtcdKitError {
  /** A string rather than a literal type: {@link PartitionUnavailableError} names itself. */
  override readonly name: string = 'UnavailableError';
  readonly code = 'UNAVAILABLE' as const;
  constructor(message: string, options?: EtcdKitErrorOptions) {
    super(message, options, true);
  }
}

/** The per-call deadline passed before the server answered. */
export class TimeoutError extends EtcdKitError {
  override readonly name = 'TimeoutError' as const;
  readonly code = 'TIMEOUT' as const;
  constructor(message: string, options?: EtcdKitErrorOptions) {
    super(message, options, true);
  }
}

/**
 * A write was sent but its reply was lost: it may or may not have been
 * applied. Never retried automatically; read the key to find out.
 */
export class AmbiguousWriteError extends EtcdKitError {
  override readonly name = 'AmbiguousWriteError' as const;
  readonly code = 'AMBIGUOUS_WRITE' as const;
}

/**
 * A multi-request write (a non-atomic `bulkPut`/`bulkDelete`) failed part way:
 * `applied` entries were written before the failure in `cause`.
 */
export class PartialWriteError extends EtcdKitError {
  override readonly name = 'PartialWriteError' as const;
  readonly code = 'PARTIAL_WRITE' as const;
  constructor(
    message: string,
    /** How many entries are known to be applied. */
    readonly applied: number,
    /** How many entries were requested. */
    readonly total: number,
    options?: EtcdKitErrorOptions,
  ) {
    super(message, options);
  }
}

/** The server's backend quota is full ("database space exceeded"). Never retried. */
export class QuotaExceededError extends EtcdKitError {
  override readonly name = 'QuotaExceededError' as const;
  readonly code = 'QUOTA_EXCEEDED' as const;
}

/** The requested revision has been compacted away. Relist and resume from the current revision. */
export class CompactedError extends EtcdKitError {
  override readonly name = 'CompactedError' as const;
  readonly code = 'COMPACTED' as const;
  constructor(
    message: string,
    /** The revision the keyspace is compacted up to (older revisions are gone); 0 when unknown. */
    readonly compactRevision: number,
    /** The cluster's current revision when the error was seen; 0 when unknown. */
    readonly currentRevision: number,
    options?: EtcdKitErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * etcd's answer was larger than the client accepts in one message (4 MiB, the
 * gRPC receive limit), for instance a transaction whose `op.getPrefix` or
 * several `op.get` match more bytes than that. etcd ran the request; only its
 * answer was refused. Read large ranges in pages instead, with `list`,
 * `listWithValues` or `iterate`, which page by themselves. Never retried: the
 * same request gets the same answer.
 */
export class ResponseTooLargeError extends EtcdKitError {
  override readonly name = 'ResponseTooLargeError' as const;
  readonly code = 'RESPONSE_TOO_LARGE' as const;
}

/** The lease does not exist (expired or revoked). */
export class LeaseNotFoundError extends EtcdKitError {
  override readonly name = 'LeaseNotFoundError' as const;
  readonly code = 'LEASE_NOT_FOUND' as const;
}

/** An error the server reported that has no more specific class. */
export class ServerError extends EtcdKitError {
  /** A string rather than a literal type: {@link RequestRefusedError} names itself. */
  override readonly name: string = 'ServerError';
  /** `'REQUEST_REFUSED'` on a {@link RequestRefusedError}. */
  readonly code: 'SERVER_ERROR' | 'REQUEST_REFUSED' = 'SERVER_ERROR';
}

/**
 * A read or compaction asked for a revision the cluster has not reached yet.
 * Nothing was read or compacted.
 */
export class FutureRevisionError extends EtcdKitError {
  override readonly name = 'FutureRevisionError' as const;
  readonly code = 'FUTURE_REVISION' as const;
  constructor(
    message: string,
    /** The revision asked for; 0 when unknown. */
    readonly requestedRevision: number,
    /** The cluster's current revision when the error was seen; 0 when unknown. */
    readonly currentRevision: number,
    options?: EtcdKitErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * etcd answered and refused the request as invalid for its state or its
 * limits (gRPC INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION,
 * ALREADY_EXISTS, NOT_FOUND or UNIMPLEMENTED) with no more specific class.
 * Nothing was applied, so a write refused so is never ambiguous. A
 * {@link ServerError} (it carries etcd's reason in its message) with a code of its own.
 */
export class RequestRefusedError extends ServerError {
  override readonly name: string = 'RequestRefusedError';
  override readonly code = 'REQUEST_REFUSED' as const;
}

/**
 * The role a call named does not exist (etcd: `role name not found`), e.g.
 * {@link AuthAdmin.grantPermission} before {@link AuthAdmin.addRole}. Nothing was applied.
 * A {@link ServerError} (its code stays `SERVER_ERROR`, as before it had a class) that names the role.
 */
export class RoleNotFoundError extends ServerError {
  override readonly name: string = 'RoleNotFoundError';
  constructor(
    message: string,
    /** The role the call named ('' when the call named none). */
    readonly role: string,
    options?: EtcdKitErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The user a call named does not exist (etcd: `user name not found`). Nothing
 * was applied. A {@link ServerError} (its code stays `SERVER_ERROR`, as before it had a class) that names the user.
 */
export class UserNotFoundError extends ServerError {
  override readonly name: string = 'UserNotFoundError';
  constructor(
    message: string,
    /** The user the call named ('' when the call named none). */
    readonly user: string,
    options?: EtcdKitErrorOptions,
  ) {
    super(message, options);
  }
}
