import type { Core } from '../core/core.js';
import { headerRevision } from '../core/ids.js';
import { LockLostError, namingKeys } from '../errors/index.js';
import { createRev } from './requests.js';
import { nextEvent } from './wait.js';

/** A key won by an acquisition: the caller's key, the etcd key and its create revision (the fencing token). */
export interface Claimed {
  readonly key: string;
  readonly etcdKey: Buffer;
  readonly rev: number;
  /** Frees the key's claim within this process. */
  readonly unclaim: () => void;
}

/**
 * How long a lock is held before its key is watched. Short holds skip the
 * watch (it would cost more than the hold); nothing is missed, because the
 * watch starts from the key's creation revision and so replays a deletion
 * that happened before it started, and `unlock()` checks the key anyway.
 */
export const GUARD_AFTER_MS = 500;

/** The reason given when a held key is found deleted. */
export function keyGone(held: Claimed): LockLostError {
  return namingKeys(new LockLostError(`its key '${held.key}' was deleted (lease revoked or key removed)`), held.key);
}

/**
 * Watches a held key and calls `onGone` if it is deleted — its lease revoked,
 * or the key removed by hand, which the session alone would never notice —
 * so the holder is told at once rather than at the next keep-alive.
 * @returns a function that stops watching.
 */
export function guardKey(core: Core, held: Claimed, onGone: (reason: LockLostError) => void): () => void {
  const stop = new AbortController();
  const timer = setTimeout(() => {
    void watchUntilGone(core, held, stop.signal).then((gone) => gone && !stop.signal.aborted && onGone(keyGone(held)));
  }, GUARD_AFTER_MS);
  timer.unref();
  return () => {
    clearTimeout(timer);
    stop.abort();
  };
}

/** True once the key is deleted; false when stopped, or when etcd cannot be read (the session's expiry covers that). */
async function watchUntilGone(core: Core, held: Claimed, signal: AbortSignal): Promise<boolean> {
  try {
    let from = held.rev + 1;
    for (;;) {
      if (await nextEvent(core, { key: held.etcdKey, fromRevision: from, type: 'delete' }, signal)) return true;
      // Compacted, or no watch could be made for now: check by reading, then watch again from there.
      const res = await core.caller.run(
        'read',
        { op: 'lock.check', key: held.key },
        (grpc) => core.rpc.kv.range({ key: held.etcdKey }, grpc),
        { signal },
      );
      const kv = res.kvs[0];
      if (!kv || createRev(kv) !== held.rev) return true;
      from = headerRevision(res) + 1;
    }
  } catch {
    return false;
  }
}
