import type { IWatchResponse } from 'etcd3';
import type { Core } from '../core/core.js';
import { abortable, type CallOptions } from '../core/call.js';
import { headerRevision, revision } from '../core/ids.js';
import { setLongTimeout } from '../core/timer.js';
import { ClosedError, CompactedError, TimeoutError, mapError } from '../errors/index.js';
import { ownLink } from '../watch/link.js';
import { Watch } from '../watch/watch.js';
import type { WatchEvent } from './events.js';
import { checkRevision } from '../config/checks.js';
import { isSerializable, readRun, type ConsistencyOptions } from './range-options.js';

/** One past state of a key, as returned by {@link Client.history}. */
export interface KeyVersion {
  /** The key, without the client's namespace. */
  readonly key: string;
  /** The value written (decoded through the value pipeline); empty for a deletion. */
  readonly value: Buffer;
  /** The revision of this change. */
  readonly modRevision: number;
  /** The revision at which this incarnation of the key was created; 0 for a deletion. */
  readonly createRevision: number;
  /** The key's version after the change (1 on creation, reset after a deletion); 0 for a deletion. */
  readonly version: number;
  /** True when this change deleted the key. */
  readonly deleted: boolean;
}

/** Options of {@link Client.history}. */
export interface HistoryOptions extends CallOptions, ConsistencyOptions {
  /** Oldest revision to include. Default: the oldest still kept (the compaction point). */
  fromRevision?: number;
}

// etcd sends a catching-up watcher at most this many revisions per response
// (mvcc watchBatchMaxRevs); a response with fewer revisions covers everything
// up to its header revision.
const MAX_BATCH_REVISIONS = 1000;

/** What is known before the history watch starts: the current revision and the key's last change. */
interface Target {
  readonly end: number;
  readonly lastChange: number | undefined;
}

function toVersion(ev: WatchEvent): KeyVersion {
  const { key, value, modRevision, createRevision, version } = ev;
  return { key, value, modRevision, createRevision, version, deleted: ev.type === 'delete' };
}

function distinctRevisions(events: IWatchResponse['events']): number {
  return new Set(events.map((e) => String(e.kv.mod_revision))).size;
}

/**
 * Every change of `key` still in etcd's history, oldest first: a watch from
 * the start revision up to the revision current when the call began.
 */
export async function history(core: Core, key: string, options: HistoryOptions = {}): Promise<KeyVersion[]> {
  const raw = core.keys.encode(key);
  if (options.fromRevision !== undefined) checkRevision('fromRevision', options.fromRevision);
  // Serializable: the starting point (current revision) comes from the member reached.
  const serializable = isSerializable(core, options);
  const now = await core.caller.run(
    'read',
    { op: 'history', key },
    (grpc) => core.rpc.kv.range({ key: raw, limit: 1, serializable }, grpc),
    readRun(serializable, options),
  );
  const kv = now.kvs[0];
  const target: Target = { end: headerRevision(now), lastChange: kv && revision(kv.mod_revision) };
  let from = options.fromRevision ?? 1;
  const timeoutMs = options.timeoutMs ?? core.config.timeoutMs;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (from > target.end) return [];
    try {
      const work = collect(core, raw, from, target, Math.max(1, deadline - Date.now()), serializable, options.signal);
      return await abortable(work, options.signal, { op: 'history', key });
    } catch (err) {
      // Without an explicit start, "oldest still kept" is the compaction point: start there.
      if (err instanceof CompactedError && options.fromRevision === undefined && err.compactRevision > from) {
        from = err.compactRevision;
        continue;
      }
      throw mapError(err, { op: 'history', key });
    }
  }
}

/**
 * Reads the history on the watch engine, on a watch stream of its own (so a
 * long catch-up holds no shared stream back): a break resumes after the last
 * event received, as any watch does. Done at the key's last change, at the
 * first event past `target.end`, or once a batch short of etcd's per-response
 * limit (or a progress answer) shows every change up to `target.end` was sent.
 */
async function collect(
  core: Core,
  raw: Buffer,
  from: number,
  target: Target,
  timeoutMs: number,
  serializable: boolean,
  signal: AbortSignal | undefined,
): Promise<KeyVersion[]> {
  const out: KeyVersion[] = [];
  const stop = new AbortController();
  // The caller's abort is reported by `abortable`; this only ends the watch at once.
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setLongTimeout(
    () => stop.abort(new TimeoutError(`history: not complete within ${timeoutMs} ms`)),
    timeoutMs,
  );
  let watch: Watch | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let complete = false;
  const observe = (header: number, events: IWatchResponse['events']) => {
    if (header < target.end || distinctRevisions(events) >= MAX_BATCH_REVISIONS) return;
    complete = true;
    // Nothing left to take: end the iteration below, which waits for more.
    if (watch?.pending === 0) void watch.close();
  };
  try {
    // Serializable: the member's own history, leader or not (as a serializable range).
    const link = serializable ? ownLink(core, { requireLeader: false }) : undefined;
    const options = { fromRevision: from, ownStream: true, signal: stop.signal };
    watch = await Watch.open(core, { key: raw }, options, { link, observe });
    // A key absent now may have no event in the window, and then nothing arrives: ask for
    // progress. Only after a few of etcd's 100 ms catch-up passes, as etcd before 3.4.24
    // could answer a progress request ahead of catch-up events.
    const open = watch;
    if (complete && open.pending === 0) return out; // answered in full while being created
    if (target.lastChange === undefined) ticker = setInterval(() => open.requestProgress().catch(() => {}), 500);
    for await (const event of open) {
      if (event.modRevision > target.end) return out;
      out.push(toVersion(event));
      if (target.lastChange !== undefined && event.modRevision >= target.lastChange) return out;
      if (complete && open.pending === 0) return out;
    }
    if (complete) return out;
    throw new ClosedError('history: the client is closed');
  } catch (err) {
    throw stop.signal.aborted ? stop.signal.reason : err;
  } finally {
    clearInterval(ticker);
    timer.clear();
    signal?.removeEventListener('abort', onAbort);
    await watch?.close();
  }
}
