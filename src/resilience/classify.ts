import { isBrokenCircuitError } from 'cockatiel';
import {
  AuthError,
  ClosedError,
  CompactedError,
  type EtcdKitError,
  FutureRevisionError,
  KeyEncodingError,
  LeaseNotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RequestRefusedError,
  ServerError,
  ValidationError,
} from '../errors/index.js';

/**
 * Raised by an endpoint guard that refuses to send an attempt to its endpoint
 * (circuit open or being tested, or the endpoint just failed this call).
 * Nothing was sent.
 */
export class EndpointSkipped extends Error {
  override readonly name = 'EndpointSkipped';
  constructor(readonly endpoint: string) {
    super(`endpoint ${endpoint} skipped: its circuit is open or it just failed this call`);
  }
}

// Failures raised before the request left this process, or refused by etcd
// before the request reached raft. Each one is checked against the source:
// - grpc-js picker: "No connection established" (no transport to send on);
// - grpc-js deadline while "Waiting for LB pick" / "waiting for name resolution"
//   / "waiting for metadata filters" (no transport was ever chosen);
// - "connect ECONNREFUSED" (the TCP handshake itself failed);
// - etcd's unary interceptor: "etcdserver: no leader" (hasleader metadata,
//   checked before the handler runs);
// - etcd's processInternalRaftRequestOnce: "etcdserver: too many requests"
//   (apply backlog, checked before proposing) and "raft proposal dropped"
//   (raft refused the proposal);
// - etcd's mayAddMember/mayRemoveMember/mayPromoteMember: "etcdserver: unhealthy
//   cluster" (a membership change that could cost quorum, checked before proposing).
const NEVER_SENT = [
  'No connection established',
  'Waiting for LB pick',
  'waiting for name resolution',
  'waiting for metadata filters',
  'connect ECONNREFUSED',
  'etcdserver: no leader',
  'etcdserver: too many requests',
  'raft proposal dropped',
  'etcdserver: unhealthy cluster',
];

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * True when `raw` (an error from etcd3, gRPC or an endpoint guard) proves the
 * request was never applied and never will be: repeating a write is then safe.
 * Anything else is treated as "may have reached the server".
 */
export function neverSent(raw: unknown): boolean {
  if (raw instanceof EndpointSkipped || isBrokenCircuitError(raw)) return true;
  const text = message(raw);
  return NEVER_SENT.some((needle) => text.includes(needle));
}

/**
 * True when `raw` says the endpoint itself is unusable (unreachable, hung,
 * cut off from the leader): it counts towards that endpoint's circuit breaker.
 * Errors the server answered with (bad request, compare failed...) do not.
 */
export function endpointFailed(raw: unknown): boolean {
  const text = message(raw);
  return (
    text.includes('UNAVAILABLE') ||
    text.includes('DEADLINE_EXCEEDED') ||
    text.includes('etcdserver: no leader') ||
    text.includes('ECONNREFUSED') ||
    text.includes('ECONNRESET')
  );
}

// Errors with which etcd refuses a request before applying it: the write
// definitely did not happen, so it is reported as is, not as ambiguous.
const DEFINITE: ReadonlyArray<abstract new (...args: never[]) => EtcdKitError> = [
  ValidationError,
  AuthError,
  PermissionDeniedError,
  LeaseNotFoundError,
  QuotaExceededError,
  CompactedError,
  FutureRevisionError,
  RequestRefusedError,
  KeyEncodingError,
  ClosedError,
];

/** True when a write that failed with `err` after reaching a server may nevertheless have been applied. */
export function mayHaveApplied(err: EtcdKitError): boolean {
  return !DEFINITE.some((cls) => err instanceof cls) && !refusedByEtcd(err);
}

// A ServerError carrying etcd's own reason ("etcdserver: user name already
// exists", "etcdserver: unhealthy cluster", ...) is etcd refusing the request:
// the outcomes that leave a write undecided (timed out, leader changed,
// stopped) map to other classes; "request cancelled" is the one left undecided.
function refusedByEtcd(err: EtcdKitError): boolean {
  if (!(err instanceof ServerError)) return false;
  const text = message(err.cause);
  return text.includes('etcdserver: ') && !text.includes('request cancelled');
}

/** True when a read that failed with `err` is worth another attempt. */
export function retryableRead(err: EtcdKitError): boolean {
  return err.retryable && !(err instanceof QuotaExceededError);
}
