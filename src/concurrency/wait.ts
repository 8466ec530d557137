import type { Core } from '../core/core.js';
import { headerRevision } from '../core/ids.js';
import { ClosedError, CompactedError, EtcdKitError, LockLostError } from '../errors/index.js';
import type { RawRange } from '../keys/index.js';
import type { WatchEvent, WatchEventType } from '../kv/events.js';
import { Watch } from '../watch/watch.js';
import { createRev, kvsOf, lastCreatedUpTo, readTxn } from './requests.js';

/** What {@link nextEvent} waits for. */
export interface EventSpec {
  readonly key: Buffer;
  /** Watch `[key, rangeEnd)` instead of one key. */
  readonly rangeEnd?: Buffer;
  /** First revision to report (so nothing between a read and the watch is missed). */
  readonly fromRevision: number;
  /** Which events end the wait. */
  readonly type: WatchEventType | 'any';
}

/** The event, or `undefined` when the revisions to watch are compacted (or no watch could be made): read again. */
export type EventOutcome = WatchEvent | undefined;

/**
 * Waits for the first event of `spec.type` from `spec.fromRevision` on, on the
 * client's shared watch streams (the engine of every watch). A broken stream
 * needs nothing from the caller: the watch resumes from the revision after the
 * last event it delivered (none here, so from `spec.fromRevision`), and no
 * event is skipped. It resolves `undefined` when those revisions are
 * compacted, or when the watch could not be created within the request
 * timeout for a passing reason: the caller reads the state again. Rejects with
 * `signal.reason` when `signal` aborts, and with the error of a failure that
 * reading again would meet too (permissions, closed client). The watcher is
 * cancelled on the server whatever the outcome.
 * Internal and deliberately small: the recipes only ever wait for one event.
 */
export async function nextEvent(core: Core, spec: EventSpec, signal: AbortSignal): Promise<EventOutcome> {
  signal.throwIfAborted();
  const range = spec.rangeEnd ? { key: spec.key, rangeEnd: spec.rangeEnd } : { key: spec.key };
  let watch: Watch | undefined;
  try {
    watch = await Watch.open(core, range, {
      fromRevision: spec.fromRevision,
      // Filtered by the server: a wait for a deletion is not sent the puts.
      ...(spec.type === 'any' ? {} : { types: [spec.type] }),
      signal,
      // A wait for a deletion needs no key: a foreign key ahead whose bytes are not UTF-8 must not fail it.
      ...(spec.type === 'delete' ? { invalidKeys: 'escape' as const } : {}),
    });
    // The first event ends the wait; leaving the loop closes the watch.
    for await (const event of watch) return event;
    throw new ClosedError('wait: the client is closed');
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof CompactedError) return undefined;
    if (err instanceof EtcdKitError && err.retryable) return undefined;
    throw err;
  } finally {
    await watch?.close();
  }
}

/** A waiter's place in a queue of keys ordered by create revision. */
export interface Turn {
  /** The keys competing (every key of the lock, or only the writers for a reader). */
  readonly range: RawRange;
  /** The waiter's own key and its create revision. */
  readonly key: Buffer;
  readonly rev: number;
  /** A key known to be ahead, and the revision it was seen at. */
  readonly ahead?: { readonly key: Buffer; readonly seenAt: number } | undefined;
}

/**
 * Waits until no key of `turn.range` created before `turn.rev` remains,
 * watching only the last one ahead each time (no thundering herd: a release
 * wakes one waiter). Each round re-reads, in one request, what is ahead and
 * whether our own key still exists; it throws {@link LockLostError} when our
 * key vanished (the session's lease expired or was revoked). Resolves to the
 * revision at which the turn was confirmed.
 */
export async function waitTurn(core: Core, turn: Turn, signal: AbortSignal, what: string): Promise<number> {
  let ahead = turn.ahead;
  for (;;) {
    if (ahead) {
      await nextEvent(core, { key: ahead.key, fromRevision: ahead.seenAt + 1, type: 'delete' }, signal);
    }
    const res = await readTxn(core, 'lock.wait', what, [lastCreatedUpTo(turn.range, turn.rev - 1), { key: turn.key }], {
      signal,
    });
    const mine = kvsOf(res, 1)[0];
    if (!mine || createRev(mine) !== turn.rev) {
      throw new LockLostError(`${what}: our key vanished while waiting (the session's lease expired or was revoked)`);
    }
    const next = kvsOf(res, 0)[0];
    if (!next) return headerRevision(res);
    ahead = { key: Buffer.from(next.key), seenAt: headerRevision(res) };
  }
}
