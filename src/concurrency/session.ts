import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import type { EtcdKitError } from '../errors/index.js';
import { grantLease, revokeQuietly, type Lease, type LossListener } from '../lease/index.js';

/** Options of {@link Client.session}. */
export interface SessionOptions extends CallOptions {
  /** TTL of the session's lease, in seconds: how long its locks outlive a crashed process. @default 60 */
  ttl?: number;
}

/** The session TTL when none is given, as in Go's `concurrency` package. */
export const DEFAULT_SESSION_TTL = 60;

/**
 * A lease kept alive in the background for as long as the session is open:
 * the liveness of one process, and the base of locks and elections. Keys the
 * session owns vanish when it is closed (the lease is revoked) or when the
 * process dies (the lease expires after `ttl`).
 *
 * Losing the lease (revoked elsewhere, or not renewed within its TTL, e.g.
 * during a partition) is reported through {@link Session.lost} and
 * {@link Session.onLost}, never silent.
 *
 * @example
 * ```ts
 * await using session = await client.session({ ttl: 10 });
 * session.onLost((err) => process.exit(1)); // or stop the work that needed it
 * await client.put('/services/api/node-1', '10.0.0.1:8080', { lease: session });
 * ```
 */
export class Session implements AsyncDisposable {
  /** The session's lease, kept alive until the session is closed. */
  readonly lease: Lease;
  readonly #core: Core;
  #closing: Promise<void> | undefined;
  /** Set when {@link Session.orphan} ended the session: its lease was let go, not revoked. */
  #orphaned = false;

  /** @internal Use {@link Client.session}. */
  constructor(core: Core, lease: Lease) {
    this.#core = core;
    this.lease = lease.keepAlive();
    // The session owns its lease: closing the client must revoke it through
    // the session, not merely stop renewing it.
    core.resources.delete(lease);
    core.resources.add(this);
  }

  /** The lease id (hex): what keys of this session are attached to, and the suffix of its lock keys. */
  get id(): string {
    return this.lease.id;
  }

  /** The lease TTL in seconds. */
  get ttl(): number {
    return this.lease.ttl;
  }

  /** True while the lease is kept alive: not lost and not closed. */
  get active(): boolean {
    return this.lease.state === 'active';
  }

  /** Resolves with the reason when the session's lease is lost; never rejects. */
  get lost(): Promise<EtcdKitError> {
    return this.lease.lost;
  }

  /**
   * Calls `listener` once when the session's lease is lost. A listener that
   * throws is contained and reported as {@link Lease.onLost} says.
   * @returns a function that removes the listener.
   * @throws {@link ValidationError} when `listener` is not a function.
   */
  onLost(listener: LossListener): () => void {
    return this.lease.onLost(listener);
  }

  /**
   * Stops renewing and **revokes** the lease, deleting the session's keys and
   * releasing every lock and election key of the session at once, as Go's
   * `Session.Close` does. The same as {@link Session.revoke}; unlike
   * {@link Lease.close}, which keeps a lease's keys (use {@link Session.orphan}
   * for that). Idempotent; never rejects (an unrevoked lease expires by itself
   * after its TTL). After {@link Session.orphan} it revokes nothing, so an
   * orphaned session may still end an `await using` block.
   */
  close(): Promise<void> {
    return this.#end(true);
  }

  /**
   * Ends the session and deletes its keys now: what {@link Session.close} does,
   * named for it ({@link Lease.revoke} means the same on a lease). Also
   * revokes a session {@link Session.orphan} ended. Idempotent; never rejects.
   * @example `await session.revoke(); // its locks and keys are released at once`
   */
  revoke(): Promise<void> {
    if (!this.#orphaned) return this.#end(true);
    this.#orphaned = false;
    this.#closing = this.#end(false).then(() => this.#revokeQuietly());
    return this.#closing;
  }

  /**
   * Ends the session but keeps its keys (and so its locks and candidacies)
   * until the lease's TTL runs out: stops renewing without revoking, as Go's
   * `Session.Orphan`. {@link Lease.orphan} means the same on a lease.
   * Idempotent; after {@link Session.close} it does nothing.
   * @example `await session.orphan(); // a successor takes over at most ttl seconds later`
   */
  orphan(): Promise<void> {
    if (this.#closing === undefined) this.#orphaned = true;
    return this.#end(false);
  }

  /** Same as {@link Session.close} (revokes), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Stops renewing, then revokes the lease when `revoke`; the first call decides, later ones wait for it. */
  #end(revoke: boolean): Promise<void> {
    this.#closing ??= (async () => {
      this.#core.resources.delete(this);
      const wasActive = this.active;
      await this.lease.close();
      if (revoke && wasActive) await this.#revokeQuietly();
    })();
    return this.#closing;
  }

  #revokeQuietly(): Promise<void> {
    return revokeQuietly(this.#core, this.id, Math.min(this.ttl * 1000, this.#core.config.timeoutMs));
  }
}

/** Grants a lease and keeps it alive as a session. */
export async function openSession(core: Core, options: SessionOptions = {}): Promise<Session> {
  const lease = await grantLease(core, options.ttl ?? DEFAULT_SESSION_TTL, options);
  return new Session(core, lease);
}
