import { Metadata, type CallOptions as GrpcCallOptions } from '@grpc/grpc-js';
import {
  AuthClient,
  ClusterClient,
  EtcdInvalidAuthTokenError,
  type Etcd3,
  KVClient,
  LeaseClient,
  MaintenanceClient,
  castGrpcError,
  isRecoverableError,
} from 'etcd3';
import { Deadlines, deadlineError, type Pending } from './deadlines.js';
import { callProgress, type Pool, type PoolHost, poolOf } from './internals.js';

/**
 * What the call layer hands each attempt of a unary call. The services of
 * {@link Rpc} take it where etcd3's clients take grpc-js call options.
 */
export interface CallSpec extends GrpcCallOptions {
  /** When the attempt gives up, as a `Date.now()` time (followed by the wire's one deadline timer, not one timer per call). */
  readonly deadline: number;
  /** Ask etcd to refuse the call when the member has no leader (the `hasleader` metadata). */
  readonly leader?: boolean;
  /** Endpoints this attempt should not go to while another can take it (they failed earlier attempts). */
  readonly avoid?: ReadonlySet<string>;
  /** Set by the wire: the endpoint the attempt was sent to. */
  endpoint?: string;
}

/** etcd's unary services, called on the {@link Wire}: the methods and types of etcd3's own clients. */
export interface Rpc {
  readonly kv: KVClient;
  readonly lease: LeaseClient;
  readonly auth: AuthClient;
  readonly cluster: ClusterClient;
  readonly maintenance: MaintenanceClient;
  /** Calls `method` of `service` by its name in the proto (for methods etcd3's clients call wrongly). */
  exec<T>(service: string, method: string, request: unknown, spec?: CallSpec): Promise<T>;
}

// etcd refuses a request whose token predates the latest change to users,
// roles or permissions, before applying it. Go's client then fetches a new
// token and retries once; so does the wire, as for an expired token.
const OLD_AUTH_REVISION = 'revision of auth store is old';

function staleToken(err: Error): boolean {
  return err instanceof EtcdInvalidAuthTokenError || err.message.includes(OLD_AUTH_REVISION);
}

/** The metadata every call carries: the auth token if any, plus `hasleader` for calls that require a leader. */
interface CallMetadata {
  readonly plain: Metadata;
  readonly leader: Metadata;
}

function callMetadata(plain: Metadata): CallMetadata {
  const leader = plain.clone();
  leader.set('hasleader', 'true');
  return { plain, leader };
}

/**
 * Unary calls straight onto grpc-js, on etcd3's hosts and channels: one
 * promise and one grpc-js call per attempt. etcd3's pool adds, per call, an
 * async token lookup, a shuffled-host generator, a cockatiel policy and (for
 * `hasleader`) an interceptor chain; here the metadata is built once per
 * token, the host is picked by index, and each host's guard is asked with a
 * field read. Everything else stays etcd3's: hosts, channels, credentials,
 * the authenticator, error classes.
 */
export class Wire {
  readonly #pool: Pool;
  readonly #auth: boolean;
  readonly #deadlines = new Deadlines();
  #metadata: CallMetadata | undefined;
  #loading: Promise<CallMetadata> | undefined;

  constructor(etcd: Etcd3) {
    this.#pool = poolOf(etcd);
    this.#auth = this.#pool.options.auth !== undefined;
    if (!this.#auth) {
      this.#metadata = callMetadata(new Metadata());
      return;
    }
    // Whoever forgets the token (etcd3 on an invalid one, forgetToken after a
    // restart) makes the wire fetch a new one too.
    const authenticator = this.#pool.authenticator;
    const invalidate = authenticator.invalidateMetadata.bind(authenticator);
    authenticator.invalidateMetadata = () => {
      this.#metadata = undefined;
      this.#loading = undefined;
      invalidate();
    };
  }

  /** Calls `method` of `service` (grpc-js' camel-cased name, e.g. `'range'`) on one host. */
  exec<T>(service: string, method: string, request: unknown, spec?: CallSpec): Promise<T> {
    const metadata = this.#metadata;
    if (metadata === undefined) return this.#token().then(() => this.exec<T>(service, method, request, spec));
    return this.#send<T>(service, method, request, spec, metadata, true);
  }

  #token(): Promise<CallMetadata> {
    this.#loading ??= this.#pool.authenticator.getMetadata().then(
      (plain) => (this.#metadata = callMetadata(plain)),
      (err: unknown) => {
        this.#loading = undefined;
        throw err;
      },
    );
    return this.#loading;
  }

  #send<T>(
    service: string,
    method: string,
    request: unknown,
    spec: CallSpec | undefined,
    metadata: CallMetadata,
    firstToken: boolean,
  ): Promise<T> {
    const host = this.#pick(spec?.avoid);
    if (host instanceof Error) return Promise.reject(host);
    const guard = host.faultHandling;
    if (spec) spec.endpoint = guard.endpoint ?? host.host;
    return new Promise<T>((resolve, reject) => {
      const client = host.getServiceClient(service);
      const pending = spec === undefined ? undefined : new Call(spec.deadline);
      const call = client[method]!(
        request,
        spec?.leader ? metadata.leader : metadata.plain,
        NO_OPTIONS,
        (err: Error | null, res: T) => {
          if (pending !== undefined) {
            this.#deadlines.delete(pending);
            if (pending.error !== undefined) err = pending.error;
          }
          if (err === null) {
            guard.settle?.(undefined);
            return resolve(res);
          }
          const error = castGrpcError(err);
          if (isRecoverableError(error)) host.resetAllServices();
          guard.settle?.(error);
          if (firstToken && this.#auth && staleToken(error)) {
            this.#pool.authenticator.invalidateMetadata();
            return resolve(this.#token().then((fresh) => this.#send<T>(service, method, request, spec, fresh, false)));
          }
          reject(error);
        },
      );
      if (pending !== undefined) {
        pending.call = call as GrpcCall;
        this.#deadlines.add(pending);
      }
    });
  }

  /** The host to send to: the first, from a random start, whose guard admits the call; else why none does. */
  #pick(avoid: ReadonlySet<string> | undefined): PoolHost | Error {
    const hosts = this.#pool.hosts;
    const n = hosts.length;
    if (n === 0) return new Error('etcd3 connection pool has no hosts');
    const start = n === 1 ? 0 : Math.floor(Math.random() * n);
    let refusal: Error | undefined;
    for (let i = 0; i < n; i++) {
      const host = hosts[(start + i) % n]!;
      refusal = host.faultHandling.admit?.(avoid);
      if (refusal === undefined) return host;
    }
    return refusal!;
  }
}

// No grpc-js deadline: the wire's Deadlines follow every call with one timer.
const NO_OPTIONS: GrpcCallOptions = Object.freeze({});

/** What the wire needs of a grpc-js call object. */
interface GrpcCall {
  cancel(): void;
}

/** A unary call in flight, for the wire's {@link Deadlines}. */
class Call implements Pending {
  readonly deadline: number;
  readonly startedAt = Date.now();
  call: GrpcCall | undefined;
  /** Set when the deadline passed: what the call fails with. */
  error: Error | undefined;

  constructor(deadline: number) {
    this.deadline = deadline;
  }

  expire(): void {
    if (this.call === undefined) return;
    // Read where the call got to before cancelling it: after, it has no transport.
    this.error = deadlineError(this.startedAt, callProgress(this.call));
    this.call.cancel();
  }
}

/** etcd3's service clients on `wire` instead of its pool. */
export function createRpc(etcd: Etcd3): Rpc {
  const wire = new Wire(etcd);
  // etcd3's clients only call `exec` on what they are given (lib/rpc.js).
  const callable = wire as unknown as ConstructorParameters<typeof KVClient>[0];
  return {
    kv: new KVClient(callable),
    lease: new LeaseClient(callable),
    auth: new AuthClient(callable),
    cluster: new ClusterClient(callable),
    maintenance: new MaintenanceClient(callable),
    exec: (service, method, request, spec) => wire.exec(service, method, request, spec),
  };
}
