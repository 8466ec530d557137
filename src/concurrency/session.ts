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
   * Stops renewing and revokes the lease, releasing every lock and election
   * key of the session at once. Idempotent; never rejects (an unrevoked
   * lease expires by itself after its TTL).
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#core.resources.delete(this);
      const wasActive = this.active;
      await this.lease.close();
      if (wasActive) await revokeQuietly(this.#core, this.id, Math.min(this.ttl * 1000, this.#core.config.timeoutMs));
    })();
    return this.#closing;
  }

  /** Same as {@link Session.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Grants a lease and keeps it alive as a session. */
export async function openSession(core: Core, options: SessionOptions = {}): Promise<Session> {
  const lease = await grantLease(core, options.ttl ?? DEFAULT_SESSION_TTL, options);
  return new Session(core, lease);
}
