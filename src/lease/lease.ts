import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { leaseFromWire, leaseToWire } from '../core/ids.js';
import { grpcDeadline, MAX_TIMER_MS } from '../config/duration.js';
import { LeaseNotFoundError, ValidationError, type EtcdKitError } from '../errors/index.js';
import { KeepAliveHub } from './hub.js';
import { KeepAliveLoop } from './keepalive.js';
import { LossSignal, type LossListener } from './loss.js';
import { checkWhole } from '../config/checks.js';

/** What {@link Lease.timeToLive} reports. */
export interface LeaseTimeToLive {
  /** The lease id (hex). */
  readonly id: string;
  /** Seconds left before the lease expires (as last renewed). */
  readonly ttl: number;
  /** The TTL the lease was granted with, in seconds. */
  readonly grantedTtl: number;
  /** Keys attached to the lease (without the client's namespace), when asked with `keys: true`. */
  readonly keys: string[];
}

/** Options of {@link Lease.timeToLive}. */
export interface TimeToLiveOptions extends CallOptions {
  /** Also list the keys attached to the lease. @default false */
  keys?: boolean;
}

/** Where a lease stands. */
export type LeaseState = 'active' | 'lost' | 'revoked' | 'closed';

/**
 * A lease: keys attached to it are deleted when it expires or is revoked.
 * It does not renew itself unless {@link Lease.keepAlive} is called. Get one
 * with {@link Client.lease}.
 *
 * Loss: when the lease is known (or must be assumed) to be gone — the server
 * says it no longer exists, or its TTL passed without an acknowledged
 * renewal — {@link Lease.lost} resolves and every {@link Lease.onLost}
 * listener is called once. Revoking or closing it yourself is not a loss.
 *
 * @example
 * ```ts
 * await using lease = await client.lease(10);
 * await client.put('/workers/w1', 'alive', { lease });
 * lease.keepAlive(); // renew every ~3 s until closed
 * lease.onLost((err) => console.error('lease lost', err));
 * ```
 */
export class Lease implements AsyncDisposable {
  /** The lease id, as lowercase hex (as `etcdctl` shows it). */
  readonly id: string;
  /** The TTL the server granted, in seconds. */
  readonly ttl: number;
  readonly #core: Core;
  readonly #loss: LossSignal;
  #keeper: KeepAliveLoop | undefined;
  #expiry: NodeJS.Timeout | undefined;
  #expiresAt = 0;
  #state: LeaseState = 'active';

  /** @internal Use {@link Client.lease}. */
  constructor(core: Core, id: string, ttl: number, grantedAt: number) {
    this.#core = core;
    this.#loss = new LossSignal((err) => core.caller.telemetry.listenerError('lease.onLost', err));
    this.id = id;
    this.ttl = ttl;
    this.#renewed(ttl, grantedAt);
    core.resources.add(this);
  }

  /** `active` until it is lost, revoked or closed. */
  get state(): LeaseState {
    return this.#state;
  }

  /** Resolves with the reason (a {@link LeaseNotFoundError}) when the lease is lost; never rejects. */
  get lost(): Promise<EtcdKitError> {
    return this.#loss.promise;
  }

  /**
   * Calls `listener` once when the lease is lost (at once if it already is).
   * A listener that throws does not crash the process nor keep the other
   * listeners from being called: its error is written to the configured
   * logger and published on the `etcdkit:listener` diagnostics channel
   * ({@link ListenerErrorInfo}).
   * @returns a function that removes the listener.
   * @throws {@link ValidationError} when `listener` is not a function.
   */
  onLost(listener: LossListener): () => void {
    return this.#loss.on(listener);
  }

  /**
   * Renews the lease once; resolves to the new TTL in seconds.
   * @throws {@link LeaseNotFoundError} when the lease has expired or was revoked.
   */
  async keepAliveOnce(options: CallOptions = {}): Promise<number> {
    this.#checkActive('keepAliveOnce');
    const sentAt = Date.now();
    const ttl = await renewOnce(this.#core, this.id, options);
    if (ttl > 0) {
      this.#renewed(ttl, sentAt);
      return ttl;
    }
    const err = notFound(this.id);
    this.#lose(err);
    throw err;
  }

  /**
   * Starts renewing the lease in the background, every third of its TTL,
   * until it is closed, revoked or lost. Idempotent.
   * @example `const lease = (await client.lease(5)).keepAlive();`
   */
  keepAlive(): this {
    if (this.#state !== 'active' || this.#keeper) return this;
    const telemetry = this.#core.caller.telemetry;
    this.#keeper = new KeepAliveLoop(this.#core, this.id, this.ttl, {
      renewed: (ttl, sentAt) => {
        if (telemetry.wants('lease'))
          telemetry.lease({ type: 'renewed', leaseId: this.id, ttl, latencyMs: Date.now() - sentAt });
        this.#renewed(ttl, sentAt);
      },
      gone: () => this.#lose(notFound(this.id)),
      missed: () => telemetry.lease({ type: 'renewal-missed', leaseId: this.id }),
    });
    return this;
  }

  /**
   * The remaining TTL, and with `{ keys: true }` the attached keys.
   * @throws {@link LeaseNotFoundError} when the lease has expired or was revoked.
   */
  async timeToLive(options: TimeToLiveOptions = {}): Promise<LeaseTimeToLive> {
    const res = await this.#core.caller.run(
      'read',
      { op: 'lease.timeToLive' },
      (grpc) => this.#core.rpc.lease.leaseTimeToLive({ ID: leaseToWire(this.id), keys: options.keys === true }, grpc),
      options,
    );
    const ttl = Number(res.TTL);
    if (ttl < 0) {
      const err = notFound(this.id);
      if (this.#state === 'active') this.#lose(err);
      throw err;
    }
    const prefix = this.#core.keys.prefix;
    const keys = (res.keys ?? [])
      .filter((k) => Buffer.from(k).subarray(0, prefix.length).equals(prefix))
      .map((k) => this.#core.keys.decode(k));
    return { id: leaseFromWire(res.ID) ?? this.id, ttl, grantedTtl: Number(res.grantedTTL), keys };
  }

  /**
   * Revokes the lease: its keys are deleted now. Stops renewal. Idempotent:
   * revoking a lease that already expired resolves.
   */
  async revoke(options: CallOptions = {}): Promise<void> {
    if (this.#state === 'revoked') return;
    this.#stop('revoked');
    try {
      await this.#core.caller.run(
        'write',
        { op: 'lease.revoke' },
        (grpc) => this.#core.rpc.lease.leaseRevoke({ ID: leaseToWire(this.id) }, grpc),
        options,
      );
    } catch (err) {
      if (!(err instanceof LeaseNotFoundError)) throw err;
    }
  }

  /**
   * Stops renewing and lets go of the lease **without deleting its keys**: they
   * stay until the TTL runs out (use {@link Lease.revoke} to delete them now).
   * The same as {@link Lease.orphan}; note that {@link Session.close} revokes
   * instead, as Go's `Lease.Close` and `Session.Close` differ. Idempotent.
   */
  close(): Promise<void> {
    if (this.#state === 'active') this.#stop('closed');
    return Promise.resolve();
  }

  /**
   * Stops renewing and lets go of the lease, keeping its keys until its TTL
   * runs out (Go's `Session.Orphan`): what {@link Lease.close} does, named for
   * it. {@link Session.orphan} means the same on a session. Idempotent.
   * @example `await lease.orphan(); // the keys outlive this process by at most the TTL`
   */
  orphan(): Promise<void> {
    return this.close();
  }

  /** Same as {@link Lease.close} (keeps the keys until the TTL runs out), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #renewed(ttl: number, sentAt: number): void {
    if (this.#state !== 'active') return;
    // Counted from when the renewal was sent, so the client gives up no later than the server.
    this.#expiresAt = sentAt + ttl * 1000;
    this.#armExpiry(ttl);
  }

  #armExpiry(ttl: number): void {
    clearTimeout(this.#expiry);
    const left = this.#expiresAt - Date.now();
    // Node fires timers longer than ~24.8 days at once: wait in steps.
    this.#expiry = setTimeout(
      () => (Date.now() >= this.#expiresAt ? this.#lose(expired(this.id, ttl)) : this.#armExpiry(ttl)),
      Math.max(0, Math.min(left, MAX_TIMER_MS)),
    );
    this.#expiry.unref();
  }

  #lose(err: EtcdKitError): void {
    if (this.#state !== 'active') return;
    this.#stop('lost');
    this.#core.caller.telemetry.lease({ type: 'lost', leaseId: this.id, error: err });
    this.#loss.fire(err);
  }

  #stop(state: LeaseState): void {
    this.#state = state;
    clearTimeout(this.#expiry);
    this.#keeper?.stop();
    this.#keeper = undefined;
    this.#core.resources.delete(this);
  }

  #checkActive(op: string): void {
    if (this.#state === 'active') return;
    throw new LeaseNotFoundError(`${op}: lease ${this.id} is ${this.#state}`);
  }
}

/** The longest lease TTL etcd grants, in seconds (lease.MaxLeaseTTL); it refuses longer ones with "too large lease TTL". */
export const MAX_LEASE_TTL = 9_000_000_000;

/** Grants a lease of `ttlSeconds`. */
export async function grantLease(core: Core, ttlSeconds: number, options: CallOptions = {}): Promise<Lease> {
  // The maximum is etcd's own.
  checkWhole('lease TTL', ttlSeconds, { max: MAX_LEASE_TTL, unit: 'seconds' });
  const sentAt = Date.now();
  const res = await core.caller.run(
    'write',
    { op: 'lease.grant' },
    (grpc) => core.rpc.lease.leaseGrant({ TTL: ttlSeconds }, grpc),
    options,
  );
  return new Lease(core, leaseFromWire(res.ID)!, Number(res.TTL), sentAt);
}

/** One renewal on the client's shared keep-alive stream; resolves to the TTL the server answered (0: gone). */
function renewOnce(core: Core, id: string, options: CallOptions): Promise<number> {
  const wireId = leaseToWire(id);
  return core.caller.run(
    'read',
    { op: 'lease.keepAliveOnce' },
    (grpc) =>
      KeepAliveHub.of(core).once(
        wireId,
        typeof grpc.deadline === 'number' ? grpc.deadline : Date.now() + core.config.timeoutMs,
      ),
    options,
  );
}

function notFound(id: string): LeaseNotFoundError {
  return new LeaseNotFoundError(`lease ${id} no longer exists (expired or revoked)`);
}

function expired(id: string, ttl: number): LeaseNotFoundError {
  return new LeaseNotFoundError(`lease ${id} expired: no renewal acknowledged within its ${ttl} s TTL`);
}

/**
 * Revokes a lease directly on the etcd3 client, bypassing the call layer
 * (which refuses calls once the client is closing) so cleanup on close still
 * happens. Bounded by `timeoutMs`; never rejects: an unrevoked lease expires
 * by itself after its TTL.
 */
export async function revokeQuietly(core: Core, id: string, timeoutMs: number): Promise<void> {
  try {
    await core.rpc.lease.leaseRevoke({ ID: leaseToWire(id) }, { deadline: grpcDeadline(timeoutMs) });
  } catch {
    // Expired already, or unreachable: the lease ends with its TTL either way.
  }
}
