import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision } from '../core/ids.js';
import type { RawRange } from '../keys/index.js';
import type { SessionChoice } from './session-holder.js';
import { LockHandle, type Claimed } from './lock-handle.js';
import { enqueue } from './enqueue.js';
import { deleteQuietly, putWithLease, rangeEmpty, writeTxn } from './requests.js';
import type { Session } from './session.js';
import type { Stop, WaitOptions } from './stop.js';

/** Options of {@link Client.newRWLock}. */
export type RWLockOptions = SessionChoice;

type Mode = 'read' | 'write';

/**
 * A shared/exclusive lock, the algorithm of Go's `recipes.RWMutex`: readers
 * write `name/read/<n>`, writers `name/write/<n>`, under the session's lease.
 * A reader waits only for writers queued before it; a writer waits for every
 * key queued before it. Readers arriving after a waiting writer queue behind
 * it, so a stream of readers cannot starve writers.
 *
 * One handle holds one lock at a time (its callers take turns); use one
 * handle per concurrent reader.
 *
 * @example
 * ```ts
 * await using rw = client.newRWLock('/locks/catalog');
 * await rw.readLock();
 * try { await readCatalog(); } finally { await rw.unlock(); }
 * ```
 */
export class RWMutex extends LockHandle {
  readonly #all: RawRange;
  readonly #writers: RawRange;

  /** @internal Use {@link Client.newRWLock}. */
  constructor(core: Core, name: string, options: RWLockOptions = {}) {
    super(core, 'rwlock', name, options);
    this.#all = core.keys.prefixRange(`${name}/`);
    this.#writers = core.keys.prefixRange(`${name}/write/`);
  }

  /**
   * Waits for shared access: held together with other readers, never with a writer.
   * @throws {@link CancelledError}, {@link TimeoutError} or {@link LockLostError} as {@link Mutex.lock} does.
   */
  readLock(options: WaitOptions = {}): Promise<void> {
    return this.blocking('readLock', options, (session, stop) => this.#acquire('read', session, stop));
  }

  /**
   * Waits for exclusive access: no reader and no other writer.
   * @throws {@link CancelledError}, {@link TimeoutError} or {@link LockLostError} as {@link Mutex.lock} does.
   */
  writeLock(options: WaitOptions = {}): Promise<void> {
    return this.blocking('writeLock', options, (session, stop) => this.#acquire('write', session, stop));
  }

  /** Takes shared access if no writer holds or waits, in one transaction; `false` otherwise. */
  tryReadLock(options: CallOptions = {}): Promise<boolean> {
    return this.trying(options, (session) => this.#try('read', session, options));
  }

  /** Takes exclusive access if nobody holds or waits, in one transaction; `false` otherwise. */
  tryWriteLock(options: CallOptions = {}): Promise<boolean> {
    return this.trying(options, (session) => this.#try('write', session, options));
  }

  /** What a key of `mode` waits for. */
  #blockers(mode: Mode): RawRange {
    return mode === 'read' ? this.#writers : this.#all;
  }

  async #acquire(mode: Mode, session: Session, stop: Stop): Promise<Claimed> {
    const key = uniqueKey(this.name, mode, session);
    const etcdKey = this.core.keys.encode(key);
    const entry = {
      range: this.#blockers(mode),
      etcdKey,
      leaseId: session.id,
      what: `${mode}Lock '${this.name}'`,
      operation: `rwlock.${mode}Lock`,
    };
    return { key, etcdKey, rev: await enqueue(this.core, entry, stop.signal), unclaim: () => {} };
  }

  async #try(mode: Mode, session: Session, options: CallOptions): Promise<Claimed | undefined> {
    const key = uniqueKey(this.name, mode, session);
    const etcdKey = this.core.keys.encode(key);
    const res = await writeTxn(
      this.core,
      mode === 'read' ? 'tryReadLock' : 'tryWriteLock',
      this.name,
      { compare: [rangeEmpty(this.#blockers(mode))], success: [putWithLease(etcdKey, session.id)] },
      { ...options, operation: `rwlock.try${mode === 'read' ? 'Read' : 'Write'}Lock` },
    ).catch(async (err: unknown) => {
      await deleteQuietly(this.core, etcdKey);
      throw err;
    });
    return res.succeeded ? { key, etcdKey, rev: headerRevision(res), unclaim: () => {} } : undefined;
  }
}

let sequence = 0;

/**
 * `name/<mode>/<lease id>-<n>`: unique without a retry (the lease id is
 * unique in the cluster, `n` in this process). Go's RWMutex orders keys by
 * revision, not by name, so its processes and ours queue together.
 */
function uniqueKey(name: string, mode: Mode, session: Session): string {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `${name}/${mode}/${session.id}-${sequence}`;
}
