import type { Core } from '../core/core.js';
import { ClosedError, LeaseNotFoundError, LockLostError, ValidationError } from '../errors/index.js';
import { openSession, type Session } from './session.js';

/** Options naming the session a recipe runs in. */
export interface SessionChoice {
  /** TTL in seconds of the session created for this handle (ignored with `session`). @default 60 */
  ttl?: number;
  /** Run in this session instead of one of the handle's own (closed with the handle). */
  session?: Session;
}

// Recipe keys are `name/<lease id>`: two handles of one process using the same
// session and name would share a key and both believe they hold it.
const claimed = new WeakMap<Session, Set<string>>();

/**
 * The session a recipe handle (Mutex, RWMutex, Election) works in: the one
 * it was given, or its own, opened on first use and replaced after a loss.
 */
export class SessionHolder {
  readonly #core: Core;
  readonly #what: string;
  readonly #ttl: number | undefined;
  readonly #given: Session | undefined;
  #own: Session | undefined;
  #opening: Promise<Session> | undefined;
  #closed = false;

  constructor(core: Core, what: string, choice: SessionChoice) {
    this.#core = core;
    this.#what = what;
    this.#ttl = choice.ttl;
    this.#given = choice.session;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The session to use now; opens (or reopens, after a loss) the handle's own. */
  async get(signal?: AbortSignal): Promise<Session> {
    if (this.#closed) throw new ClosedError(`${this.#what}: closed`);
    if (this.#given) {
      if (!this.#given.active)
        throw new LockLostError(`${this.#what}: the session ${this.#given.id} is no longer active`);
      return this.#given;
    }
    if (this.#own?.active) return this.#own;
    if (this.#own) void this.#own.close();
    this.#own = undefined;
    this.#opening ??= openSession(this.#core, { ttl: this.#ttl, signal }).finally(() => (this.#opening = undefined));
    const session = await this.#opening;
    if (this.#closed) {
      await session.close();
      throw new ClosedError(`${this.#what}: closed`);
    }
    this.#own = session;
    return session;
  }

  /**
   * Runs `fn` in the session to use now. When a request proves the lease gone
   * ({@link LeaseNotFoundError}) before the session noticed, the session is
   * made to notice (its loss is reported) and, if it is the handle's own,
   * `fn` runs once more in a new one; the loss of a given session is a
   * {@link LockLostError}.
   */
  async run<T>(
    signal: AbortSignal | undefined,
    fn: (session: Session) => Promise<T>,
  ): Promise<{ session: Session; result: T }> {
    for (let retried = false; ; retried = true) {
      const session = await this.get(signal);
      try {
        return { session, result: await fn(session) };
      } catch (err) {
        if (!(err instanceof LeaseNotFoundError) || signal?.aborted) throw err;
        await session.lease.keepAliveOnce().catch(() => {}); // confirms, and reports the loss
        if (session.active) throw err;
        if (this.#given || retried) {
          throw new LockLostError(`${this.#what}: the session ${session.id} is no longer active`, { cause: err });
        }
      }
    }
  }

  /** Claims `key` in `session` for one handle; throws if another handle of this process has it. */
  claim(session: Session, key: string): () => void {
    let keys = claimed.get(session);
    if (!keys) claimed.set(session, (keys = new Set()));
    if (keys.has(key)) {
      throw new ValidationError(
        `${this.#what}: another handle of this process already uses '${key}' in session ${session.id}; ` +
          'give each contender its own session',
      );
    }
    keys.add(key);
    return () => keys.delete(key);
  }

  /** Gives up `session` if it is the handle's own (after a failed release: its lease then ends the keys). */
  discard(session: Session): void {
    if (session !== this.#own) return;
    this.#own = undefined;
    void session.close();
  }

  /** Closes the handle's own session (revoking its lease); a given session stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    const own = this.#own;
    this.#own = undefined;
    await own?.close();
  }
}
