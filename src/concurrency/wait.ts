import type { IKeyValue } from 'etcd3';
import type { Core } from '../core/core.js';
import { headerRevision } from '../core/ids.js';
import { LockLostError } from '../errors/index.js';
import type { RawRange } from '../keys/index.js';
import { createRev, kvsOf, lastCreatedUpTo, readTxn } from './requests.js';

/** What {@link nextEvent} waits for. */
export interface EventSpec {
  readonly key: Buffer;
  /** Watch `[key, rangeEnd)` instead of one key. */
  readonly rangeEnd?: Buffer;
  /** First revision to report (so nothing between a read and the watch is missed). */
  readonly fromRevision: number;
  /** Which events end the wait. */
  readonly type: 'put' | 'delete' | 'any';
}

/** An event, or `undefined` when the watch broke and the caller must read the state again. */
export type EventOutcome = { readonly type: 'put' | 'delete'; readonly kv: IKeyValue } | undefined;

const RECHECK_DELAY_MS = 50;

/**
 * Waits for the first event of `spec.type` from `spec.fromRevision` on. It
 * resolves `undefined` instead when the watch was cancelled by the server
 * (e.g. compaction) or reconnected: the caller re-reads rather than trust a
 * resumed watch. Rejects with `signal.reason` when `signal` aborts.
 * Internal and deliberately small: the recipes only ever wait for one event.
 */
export function nextEvent(core: Core, spec: EventSpec, signal: AbortSignal): Promise<EventOutcome> {
  return new Promise<EventOutcome>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const builder = core.etcd.watch().startRevision(String(spec.fromRevision));
    if (spec.rangeEnd) builder.inRange({ start: spec.key, end: spec.rangeEnd });
    else builder.key(spec.key);
    const watcher = builder.watcher();
    const wanted = (type: string) => spec.type === 'any' || type === (spec.type === 'put' ? 'Put' : 'Delete');
    let connections = 0;
    const finish = (settle: () => void) => {
      signal.removeEventListener('abort', onAbort);
      watcher.removeAllListeners();
      watcher.on('error', () => {});
      watcher.cancel().catch(() => {});
      settle();
    };
    const recheck = () => finish(() => setTimeout(() => resolve(undefined), RECHECK_DELAY_MS));
    const onAbort = () => finish(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    watcher.on('data', (res) => {
      const event = res.events.find((e) => wanted(e.type));
      if (event) finish(() => resolve({ type: event.type === 'Put' ? 'put' : 'delete', kv: event.kv }));
    });
    watcher.on('connected', () => {
      if (++connections > 1) recheck();
    });
    watcher.on('error', recheck);
    watcher.on('end', recheck);
  });
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
