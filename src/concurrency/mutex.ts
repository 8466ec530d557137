import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision } from '../core/ids.js';
import type { RawRange } from '../keys/index.js';
import type { SessionChoice } from './session-holder.js';
import { LockHandle, type Claimed } from './lock-handle.js';
import { enqueue } from './enqueue.js';
import { createRev, deleteQuietly, firstCreated, kvsOf, putWithLease, rangeEmpty, writeTxn } from './requests.js';
import type { Session } from './session.js';
import type { Stop, WaitOptions } from './stop.js';

/** Options of {@link Client.newLock}. */
export type LockOptions = SessionChoice;

/**
 * A distributed mutual-exclusion lock, the algorithm of Go's
 * `concurrency.Mutex`: each contender writes `name/<session lease id in hex>`
 * under its session's lease, and the key created first holds the lock.
 * Waiters queue in creation order and each watches only the key just ahead
 * of it. Locks taken by `etcdctl lock name` or Go services exclude ours, and
 * ours exclude theirs.
 *
 * A lock is only as safe as its lease: a holder that stalls longer than the
 * session TTL loses it. Losses are reported ({@link LockHandle.onLost},
 * {@link LockHandle.lost}, and `unlock()` rejecting with {@link LockLostError});
 * to make a stale holder harmless, fence writes with {@link LockHandle.isOwner}
 * or {@link LockHandle.fencingToken}.
 *
 * @example
 * ```ts
 * await using lock = client.newLock('/locks/billing');
 * await lock.withLock(async (signal) => {
 *   await chargeCustomers({ signal }); // signal aborts if the lock is lost
 * });
 * ```
 */
export class Mutex extends LockHandle {
  readonly #range: RawRange;

  /** @internal Use {@link Client.newLock}. */
  constructor(core: Core, name: string, options: LockOptions = {}) {
    super(core, 'lock', name, options);
    this.#range = core.keys.prefixRange(`${name}/`);
  }

  /**
   * Waits until the lock is held. Waiters are served in arrival order.
   * Aborting (or the timeout) removes this waiter's key before rejecting.
   * @example `await lock.lock({ timeoutMs: 5_000 });`
   * @throws {@link CancelledError} when `signal` aborts; {@link TimeoutError} after `timeoutMs`.
   * @throws {@link LockLostError} when the session is lost while waiting.
   */
  lock(options: WaitOptions = {}): Promise<void> {
    return this.blocking('lock', options, (session, stop) => this.#acquire(session, stop));
  }

  /**
   * Takes the lock if nobody holds or waits for it, in one transaction that
   * writes nothing when it fails. Resolves `false` when taken by someone else
   * (or by another caller of this handle). The first call of a handle also
   * opens its session (one more request).
   * @example `if (await lock.tryLock()) { try { ... } finally { await lock.unlock(); } }`
   */
  tryLock(options: CallOptions = {}): Promise<boolean> {
    return this.trying(options, (session) => this.#tryAcquire(session, options));
  }

  /**
   * Runs `fn` while holding the lock, then releases it (also when `fn`
   * throws). `fn` receives a signal that aborts if the lock is lost meanwhile.
   * @throws {@link LockLostError} when the lock was lost before `fn` finished.
   */
  async withLock<T>(fn: (signal: AbortSignal) => Promise<T> | T, options: WaitOptions = {}): Promise<T> {
    await this.lock(options);
    const lost = new AbortController();
    void this.lost.then((reason) => lost.abort(reason));
    let result: T;
    try {
      result = await fn(lost.signal);
    } catch (err) {
      await this.unlock().catch(() => {});
      throw err;
    }
    await this.unlock();
    return result;
  }

  async #acquire(session: Session, stop: Stop): Promise<Claimed> {
    const { key, etcdKey, unclaim } = this.#claim(session);
    try {
      const entry = {
        range: this.#range,
        etcdKey,
        leaseId: session.id,
        what: `lock '${this.name}'`,
        operation: 'lock.acquire',
      };
      return { key, etcdKey, rev: await enqueue(this.core, entry, stop.signal), unclaim };
    } catch (err) {
      unclaim();
      throw err;
    }
  }

  async #tryAcquire(session: Session, options: CallOptions): Promise<Claimed | undefined> {
    const { key, etcdKey, unclaim } = this.#claim(session);
    try {
      const res = await writeTxn(
        this.core,
        'tryLock',
        this.name,
        {
          compare: [rangeEmpty(this.#range)],
          success: [putWithLease(etcdKey, session.id)],
          failure: [{ request_range: firstCreated(this.#range) }],
        },
        { ...options, operation: 'lock.tryAcquire' },
      ).catch(async (err: unknown) => {
        await deleteQuietly(this.core, etcdKey);
        throw err;
      });
      if (res.succeeded) return { key, etcdKey, rev: headerRevision(res), unclaim };
      const owner = kvsOf(res, 0)[0];
      // Our own key left from an earlier acquisition of this session still holds.
      if (owner && Buffer.from(owner.key).equals(etcdKey)) return { key, etcdKey, rev: createRev(owner), unclaim };
      unclaim();
      return undefined;
    } catch (err) {
      unclaim();
      throw err;
    }
  }

  #claim(session: Session): { key: string; etcdKey: Buffer; unclaim: () => void } {
    const key = `${this.name}/${session.id}`;
    return { key, etcdKey: this.core.keys.encode(key), unclaim: this.sessions.claim(session, key) };
  }
}
