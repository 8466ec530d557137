import type { Core } from '../core/core.js';
import { headerRevision } from '../core/ids.js';
import type { RawRange } from '../keys/index.js';
import { createRev, createdAt, deleteQuietly, kvsOf, lastTwoCreated, putWithLease, writeTxn } from './requests.js';
import { waitTurn } from './wait.js';

/** A key to queue under a lock or election prefix. */
export interface Entry {
  /** The keys this one waits for (every key of the lock, or only the writers for a reader). */
  readonly range: RawRange;
  readonly etcdKey: Buffer;
  readonly leaseId: string;
  /** The stored value (already through the value pipeline); empty for locks. */
  readonly value?: Buffer;
  /** For messages, e.g. `lock 'jobs'`. */
  readonly what: string;
  /** The operation's name for telemetry, e.g. `'lock.acquire'`. */
  readonly operation?: string;
}

/**
 * Go's Mutex acquisition, shared by the mutex and the election: write our
 * key if absent (reusing it if this session already queued it), then wait
 * until every key created before it is gone. The write also returns the key
 * just ahead of ours, so an uncontended acquisition is one request. On any
 * failure (abort, timeout, session loss, an unknown write outcome) our key
 * is deleted before rejecting: nothing is left queued. Resolves to the key's
 * create revision: the fencing token.
 */
export async function enqueue(core: Core, entry: Entry, signal: AbortSignal): Promise<number> {
  const { etcdKey, leaseId, range } = entry;
  const value = entry.value ?? Buffer.alloc(0);
  try {
    const res = await writeTxn(
      core,
      'enqueue',
      entry.what,
      {
        compare: [createdAt(etcdKey, 0)],
        success: [putWithLease(etcdKey, leaseId, value), { request_range: lastTwoCreated(range) }],
        failure: [{ request_range: { key: etcdKey } }],
      },
      { signal, operation: entry.operation },
    );
    const existing = res.succeeded ? undefined : kvsOf(res, 0)[0]!;
    const rev = existing ? createRev(existing) : headerRevision(res);
    if (existing && entry.value && !Buffer.from(existing.value).equals(value)) {
      // Queued already by this session (e.g. a restarted process reusing its lease): take the new value.
      await writeTxn(
        core,
        'enqueue',
        entry.what,
        { success: [putWithLease(etcdKey, leaseId, value)] },
        { signal, operation: entry.operation },
      );
    }
    // Our key is the newest of the range when it is in it (a reader's is not in the writers' range).
    const ahead = res.succeeded ? kvsOf(res, 1).find((kv) => !Buffer.from(kv.key).equals(etcdKey)) : undefined;
    if (existing || ahead) {
      const turn = { range, key: etcdKey, rev, ahead: ahead && { key: Buffer.from(ahead.key), seenAt: rev } };
      await waitTurn(core, turn, signal, entry.what);
    }
    return rev;
  } catch (err) {
    await deleteQuietly(core, etcdKey);
    throw err;
  }
}
