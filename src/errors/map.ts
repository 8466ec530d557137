import * as etcd3 from 'etcd3';
import { isBrokenCircuitError, isTaskCancelledError } from 'cockatiel';
import { EtcdKitError } from './base.js';
import { CancelledError, ClosedError, ValidationError } from './input.js';
import {
  AuthError,
  LeaseNotFoundError,
  CompactedError,
  FutureRevisionError,
  PermissionDeniedError,
  QuotaExceededError,
  RequestRefusedError,
  ResponseTooLargeError,
  RoleNotFoundError,
  UserNotFoundError,
  ServerError,
  TimeoutError,
  UnavailableError,
} from './server.js';

/** What the mapper knows about the failed call, for the message. */
export interface ErrorContext {
  /** The operation, e.g. `'put'`. */
  op: string;
  /** The key (without namespace), when there is one. */
  key?: string;
  /** The revision the call asked for, when it asked for one. */
  revision?: number;
  /** The role the call named, when it named one (auth administration). */
  role?: string;
  /** The user the call named, when it named one (auth administration). */
  user?: string;
}

type Ctor = new (message: string, options: { cause: unknown }) => EtcdKitError;

// Server messages that identify an error more precisely than its gRPC code.
// etcd's message strings are part of its API (rpctypes/error.go).
const byMessage: ReadonlyArray<readonly [string, Ctor]> = [
  ['database space exceeded', QuotaExceededError],
  ['invalid auth token', AuthError],
  ['permission denied', PermissionDeniedError],
  // Go's client re-authenticates and retries once (as ours does); seen again, the credentials are at fault.
  ['revision of auth store is old', AuthError],
  // Membership refusals name a member or URL that is not (or already) in the cluster.
  ['member not found', ValidationError],
  ['bad leader transferee', ValidationError],
  ['Peer URLs already exists', ValidationError],
  ['requested lease not found', LeaseNotFoundError],
  ['too many operations in txn request', ValidationError],
  ['request is too large', ValidationError],
  ['duplicate key given in txn request', ValidationError],
  ['too large lease TTL', ValidationError],
  ['no leader', UnavailableError],
  ['leader changed', UnavailableError],
  ['too many requests', UnavailableError],
  ['raft proposal dropped', UnavailableError],
  ['server stopped', UnavailableError],
  ['request timed out', TimeoutError],
  // The server gave up on a request whose deadline passed or which the client cancelled: etcd 3.5
  // says so with codes DeadlineExceeded/Canceled and its own text, 3.4 with code Unknown and Go's.
  ['context deadline exceeded', TimeoutError],
  ['request canceled', CancelledError],
  ['context canceled', CancelledError],
  ['not capable', ServerError],
];

const byClass: ReadonlyArray<readonly [new (...args: never[]) => Error, Ctor]> = [
  [etcd3.EtcdAuthenticationFailedError, AuthError],
  [etcd3.EtcdInvalidAuthTokenError, AuthError],
  [etcd3.GRPCUnauthenticatedError, AuthError],
  [etcd3.EtcdPermissionDeniedError, PermissionDeniedError],
  [etcd3.EtcdLeaseInvalidError, LeaseNotFoundError],
  [etcd3.GRPCDeadlineExceededError, TimeoutError],
  [etcd3.GRPCUnavailableError, UnavailableError],
  [etcd3.ClientRuntimeError, UnavailableError],
  [etcd3.GRPCCancelledError, CancelledError],
  [etcd3.ClientClosedError, ClosedError],
  // etcd answered and refused the request (gRPC status codes it uses for bad
  // requests, rpctypes/error.go): nothing was applied.
  [etcd3.GRPCInvalidArgumentError, RequestRefusedError],
  [etcd3.GRPCOutOfRangeError, RequestRefusedError],
  [etcd3.GRPCFailedPreconditionError, RequestRefusedError],
  [etcd3.GRPCAlreadyExistsError, RequestRefusedError],
  [etcd3.GRPCNotFoundError, RequestRefusedError],
  [etcd3.GRPCNotImplementedError, RequestRefusedError],
];

/**
 * The message of what a call threw, without the empty ". Resolution note: "
 * grpc-js appends when name resolution had nothing to say.
 */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\.? Resolution note: ?$/, '');
}

/**
 * Turns anything a call to etcd threw into an {@link EtcdKitError}, keeping
 * the original as `cause`. The single place where etcd3 and gRPC errors are
 * interpreted.
 */
export function mapError(err: unknown, ctx: ErrorContext): EtcdKitError {
  if (err instanceof EtcdKitError) return err;
  const text = messageOf(err);
  const where = ctx.key === undefined ? ctx.op : `${ctx.op} '${ctx.key}'`;
  const message = `${where}: ${text}`;
  const cause = err;
  if (text.includes('required revision has been compacted')) {
    return new CompactedError(message, 0, 0, { cause });
  }
  if (text.includes('required revision is a future revision')) {
    return new FutureRevisionError(message, ctx.revision ?? 0, 0, { cause });
  }
  if (text.includes('Received message larger than max')) {
    // grpc-js' receive limit, not etcd's: the server answered, the client refused the answer.
    return new ResponseTooLargeError(
      `${where}: etcd's answer exceeds the client's 4 MiB message limit (${text}); ` +
        'read large ranges in pages with list(), listWithValues() or iterate() instead of one request',
      { cause },
    );
  }
  if (isBrokenCircuitError(err)) {
    return new UnavailableError(`${where}: every endpoint's circuit is open`, { cause });
  }
  if (err instanceof Error && err.name === 'EndpointSkipped') {
    return new UnavailableError(`${where}: no endpoint could take the call (${text})`, { cause });
  }
  if (isTaskCancelledError(err)) return new TimeoutError(message, { cause });
  const refusal = credentialsRefused(text);
  if (refusal) return new AuthError(`${where}: ${refusal}`, { cause });
  const missing = notFound(err, text, ctx, where);
  if (missing) return missing;
  for (const [needle, ctor] of byMessage) {
    if (text.includes(needle)) return new ctor(message, { cause });
  }
  for (const [cls, ctor] of byClass) {
    if (err instanceof cls) return new ctor(message, { cause });
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 14) return new UnavailableError(message, { cause });
  if (code === 4) return new TimeoutError(message, { cause });
  return new ServerError(message, { cause });
}

/** The AuthError prefix users see when etcd wants credentials and got none. */
export const NO_CREDENTIALS =
  'etcd requires authentication and no user name was given: connect with Config.withAuth(user, password)';

/**
 * What to do when etcd refused the credentials themselves (the same text on
 * 3.4 and 3.5): said plainly, since etcd's own words ("user name is empty")
 * do not. The password is never part of it.
 */
function credentialsRefused(text: string): string | undefined {
  if (text.includes('user name is empty')) return NO_CREDENTIALS;
  if (text.includes('authentication failed')) {
    return 'etcd refused the user name or password (authentication failed): check the credentials given to Config.withAuth(user, password)';
  }
  return undefined;
}

// etcd refuses a role or user that does not exist with FAILED_PRECONDITION and
// these messages (rpctypes/error.go); etcd3 raises its own classes for them.
function notFound(err: unknown, text: string, ctx: ErrorContext, where: string): EtcdKitError | undefined {
  if (err instanceof etcd3.EtcdRoleNotFoundError || text.includes('role name not found')) {
    const role = ctx.role ?? '';
    return new RoleNotFoundError(`${where}: role ${JSON.stringify(role)} does not exist (${text})`, role, {
      cause: err,
    });
  }
  if (err instanceof etcd3.EtcdUserNotFoundError || text.includes('user name not found')) {
    const user = ctx.user ?? '';
    return new UserNotFoundError(`${where}: user ${JSON.stringify(user)} does not exist (${text})`, user, {
      cause: err,
    });
  }
  return undefined;
}
