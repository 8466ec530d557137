import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision } from '../core/ids.js';
import type { RawRange } from '../keys/index.js';
import type { SessionChoice } from './holder.js';
import { LockHandle, type Claimed } from './hold.js';
import { createdAt, deleteQuietly, kvsOf, lastTwoCreated, putWithLease, rangeEmpty, writeTxn } from './ops.js';
import type { Session } from './session.js';
import type { Stop, WaitOptions } from './stop.js';
import { waitTurn } from './wait.js';

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
    for (;;) {
      const key = uniqueKey(this.name, mode);
      const etcdKey = this.core.keys.encode(key);
      const res = await writeTxn(
        this.core,
        mode === 'read' ? 'readLock' : 'writeLock',
        this.name,
        {
          compare: [createdAt(etcdKey, 0)],
          success: [putWithLease(etcdKey, session.id), { request_range: lastTwoCreated(this.#blockers(mode)) }],
        },
        { signal: stop.signal },
      ).catch(async (err: unknown) => {
        await deleteQuietly(this.core, etcdKey);
        throw err;
      });
      if (!res.succeeded) continue; // another process picked the same key: pick again
      const rev = headerRevision(res);
      // A writer's own key is the newest of its range; a reader's is not in the writers' range.
      const ahead = kvsOf(res, 1).find((kv) => !Buffer.from(kv.key).equals(etcdKey));
      if (ahead) {
        const turn = { range: this.#blockers(mode), key: etcdKey, rev, ahead: { key: Buffer.from(ahead.key), seenAt: rev } };
        await waitTurn(this.core, turn, stop.signal, `${mode}Lock '${this.name}'`).catch(async (err: unknown) => {
          await deleteQuietly(this.core, etcdKey);
          throw err;
        });
      }
      return { key, etcdKey, rev, unclaim: () => {} };
    }
  }

  async #try(mode: Mode, session: Session, options: CallOptions): Promise<Claimed | undefined> {
    const key = uniqueKey(this.name, mode);
    const etcdKey = this.core.keys.encode(key);
    const res = await writeTxn(
      this.core,
      mode === 'read' ? 'tryReadLock' : 'tryWriteLock',
      this.name,
      { compare: [rangeEmpty(this.#blockers(mode)), createdAt(etcdKey, 0)], success: [putWithLease(etcdKey, session.id)] },
      options,
    ).catch(async (err: unknown) => {
      await deleteQuietly(this.core, etcdKey);
      throw err;
    });
    return res.succeeded ? { key, etcdKey, rev: headerRevision(res), unclaim: () => {} } : undefined;
  }
}

let sequence = 0;

/** `name/<mode>/<n>` with `n` like Go's `time.Now().UnixNano()`; a clash is caught by the create-if-absent compare. */
function uniqueKey(name: string, mode: Mode): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${name}/${mode}/${BigInt(Date.now()) * 1_000_000n + BigInt(sequence)}`;
}
