import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { checkCallOptions } from '../core/options.js';
import { ClosedError, LockLostError, namingKeys, type EtcdKitError } from '../errors/index.js';
import { Emitter } from '../events/index.js';
import { LossSignal, type LossListener } from '../lease/index.js';
import type { Comparison } from '../txn/compare.js';
import { SessionHolder, type SessionChoice } from './session-holder.js';
import { LocalTurn } from './local.js';
import { guardKey, keyGone, type Claimed } from './loss-watch.js';
import { createdAt, deleteQuietly, writeTxn } from './requests.js';
import type { Session } from './session.js';
import { Stop, type WaitOptions } from './stop.js';

export type { Claimed };

interface Hold extends Claimed {
  readonly session: Session;
  readonly loss: LossSignal;
  unsubscribe(): void;
  lost?: LockLostError;
}

/**
 * What every lock handle shares: one held key at a time (callers of one
 * handle take turns locally), loss reporting from the session, fencing, and
 * release. Subclasses say how a key is claimed.
 */
export abstract class LockHandle implements AsyncDisposable {
  /** The lock's name: the prefix of its keys (without the client's namespace). */
  readonly name: string;
  /** @internal */
  protected readonly core: Core;
  /** @internal */
  protected readonly sessions: SessionHolder;
  readonly #turn = new LocalTurn();
  readonly #lostEvents: Emitter<EtcdKitError>;
  readonly #closed = new AbortController();
  #loss: LossSignal;
  #hold: Hold | undefined;
  #last: { key: string; rev: number } | undefined;
  #closing: Promise<void> | undefined;
  readonly #kind: string;

  /** @internal */
  protected constructor(core: Core, kind: string, name: string, choice: SessionChoice = {}) {
    core.keys.encode(name, `${kind} name`);
    this.core = core;
    this.#lostEvents = new Emitter((err) => this.#listenerError(err));
    this.#loss = new LossSignal((err) => this.#listenerError(err));
    this.#kind = kind;
    this.name = name;
    this.sessions = new SessionHolder(core, `${kind} '${name}'`, choice);
    core.resources.add(this);
  }

  /** True while this handle holds the lock and its session is alive. */
  isHeld(): boolean {
    const hold = this.#hold;
    return hold !== undefined && hold.lost === undefined && hold.session.active;
  }

  /**
   * The create revision of the lock key while held: a number that grows with
   * every acquisition, to pass to the resource you protect so it can refuse
   * writes from an older holder. `undefined` when not held.
   */
  get fencingToken(): number | undefined {
    return this.isHeld() ? this.#hold!.rev : undefined;
  }

  /**
   * A transaction condition that holds only while this handle's last
   * acquisition is still the lock's key (`createRevision(key) == token`).
   * Put it in the transaction that writes what the lock protects: once the
   * lock is lost or released, the write is refused.
   * @throws {@link LockLostError} when the lock was never acquired through this handle.
   */
  isOwner(): Comparison {
    const last = this.#last;
    if (!last) {
      throw namingKeys(
        new LockLostError(`'${this.name}' was never locked through this handle: no fencing token yet`),
        this.name,
      );
    }
    return { key: last.key, target: 'createRevision', op: '==', operand: last.rev };
  }

  /** @internal The current acquisition, while held. */
  protected get holding(): (Claimed & { readonly session: Session }) | undefined {
    return this.isHeld() ? this.#hold : undefined;
  }

  /** @internal A signal aborted (with {@link ClosedError}) when the handle closes. */
  protected get closedSignal(): AbortSignal {
    return this.#closed.signal;
  }

  /** Resolves with a {@link LockLostError} if the current (or next) acquisition is lost; never rejects. */
  get lost(): Promise<EtcdKitError> {
    return this.#loss.promise;
  }

  /**
   * Calls `listener` each time a held lock is lost (its session's lease
   * expired or was revoked). A listener that throws does not crash the
   * process nor keep the other listeners from being called: its error is
   * written to the configured logger and published on the `etcdkit:listener`
   * diagnostics channel ({@link ListenerErrorInfo}).
   * @returns a function that removes it.
   * @throws {@link ValidationError} when `listener` is not a function.
   */
  onLost(listener: LossListener): () => void {
    return this.#lostEvents.event(listener);
  }

  /**
   * Releases the lock. Does nothing when not held.
   * @throws {@link LockLostError} when the lock had been lost while held: the
   *   work done under it may not have been exclusive.
   */
  async unlock(options: CallOptions = {}): Promise<void> {
    const hold = this.#hold;
    if (!hold) return;
    this.#release(hold);
    try {
      if (hold.lost) await deleteQuietly(this.core, hold.etcdKey);
      else if (!(await this.#deleteKey(hold, options))) this.#lose(hold, keyGone(hold));
    } catch (err) {
      // The key stays until the lease ends: end the lease rather than block others for a whole TTL.
      this.sessions.discard(hold.session);
      throw err;
    } finally {
      this.#turn.give();
    }
    if (hold.lost) throw hold.lost;
  }

  /** Releases the lock if held, and revokes the handle's own session. Idempotent; never rejects. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed.abort(namingKeys(new ClosedError(`'${this.name}': closed`), this.name));
      this.core.resources.delete(this);
      const hold = this.#hold;
      if (hold) {
        this.#release(hold);
        await deleteQuietly(this.core, hold.etcdKey);
      }
      await this.sessions.close();
    })();
    return this.#closing;
  }

  /** Same as {@link LockHandle.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal Acquires, waiting as long as needed (bounded by `options`). */
  protected async blocking(
    op: string,
    options: WaitOptions,
    claim: (session: Session, stop: Stop) => Promise<Claimed>,
  ): Promise<void> {
    const stop = new Stop(`${op} '${this.name}'`, options);
    const startedAt = Date.now();
    stop.link(this.#closed.signal, () => this.#closed.signal.reason as EtcdKitError);
    try {
      await this.#turn.take(stop.signal);
      try {
        const { session, result } = await this.sessions.run(stop.signal, async (session) => {
          const off = session.onLost((r) => stop.abort(lostWhileWaiting(this.name, r)));
          try {
            return await claim(session, stop);
          } finally {
            off();
          }
        });
        this.#held(session, result, startedAt);
      } catch (err) {
        this.#turn.give();
        throw err;
      }
    } catch (err) {
      throw stop.explain(err);
    } finally {
      stop.dispose();
    }
  }

  /** @internal Acquires only if free now; `claim` resolves `undefined` when it is not. */
  protected async trying(
    options: CallOptions,
    claim: (session: Session) => Promise<Claimed | undefined>,
  ): Promise<boolean> {
    checkCallOptions(options);
    if (this.#closed.signal.aborted) throw this.#closed.signal.reason;
    if (!this.#turn.tryTake()) return false;
    const startedAt = Date.now();
    try {
      const { session, result: claimed } = await this.sessions.run(options.signal, claim);
      if (!claimed) {
        this.#turn.give();
        return false;
      }
      this.#held(session, claimed, startedAt);
      return true;
    } catch (err) {
      this.#turn.give();
      throw err;
    }
  }

  /** Deletes the held key if it is still this acquisition's; false when it was already gone. */
  async #deleteKey(hold: Claimed, options: CallOptions): Promise<boolean> {
    const req = {
      compare: [createdAt(hold.etcdKey, hold.rev)],
      success: [{ request_delete_range: { key: hold.etcdKey } }],
    };
    return (await writeTxn(this.core, 'unlock', hold.key, req, { ...options, operation: `${this.#kind}.release` }))
      .succeeded;
  }

  #held(session: Session, claimed: Claimed, startedAt: number): void {
    const telemetry = this.core.caller.telemetry;
    if (telemetry.wants('lock'))
      telemetry.lock({ type: 'acquired', lock: this.#kind, name: this.name, waitMs: Date.now() - startedAt });
    const loss = this.#loss;
    const hold: Hold = { ...claimed, session, loss, unsubscribe: () => {} };
    const offSession = session.onLost((reason) => this.#lose(hold, reason));
    const offGuard = guardKey(this.core, claimed, (reason) => this.#lose(hold, reason));
    hold.unsubscribe = () => {
      offSession();
      offGuard();
    };
    this.#hold = hold;
    this.#last = { key: claimed.key, rev: claimed.rev };
  }

  #listenerError(err: unknown): void {
    this.core.caller.telemetry.listenerError(`${this.#kind}.onLost`, err);
  }

  #lose(hold: Hold, reason: EtcdKitError): void {
    if (hold.lost) return;
    hold.lost = namingKeys(
      new LockLostError(`'${this.name}' lost while held: ${reason.message}`, { cause: reason }),
      this.name,
    );
    this.core.caller.telemetry.lock({ type: 'lost', lock: this.#kind, name: this.name, error: hold.lost });
    hold.loss.fire(hold.lost);
    this.#lostEvents.emit(hold.lost);
  }

  #release(hold: Hold): void {
    this.#hold = undefined;
    const telemetry = this.core.caller.telemetry;
    // A lost lock was already counted out when it was lost.
    if (!hold.lost && telemetry.wants('lock')) telemetry.lock({ type: 'released', lock: this.#kind, name: this.name });
    hold.unsubscribe();
    hold.unclaim();
    if (hold.loss === this.#loss) this.#loss = new LossSignal((err) => this.#listenerError(err));
  }
}

function lostWhileWaiting(name: string, reason: EtcdKitError): LockLostError {
  return namingKeys(
    new LockLostError(`'${name}': the session was lost while waiting for the lock`, { cause: reason }),
    name,
  );
}
