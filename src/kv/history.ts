import type { IWatchResponse } from 'etcd3';
import type { Core } from '../core/core.js';
import { abortable, type CallOptions } from '../core/call.js';
import { headerRevision, revision } from '../core/ids.js';
import { setLongTimeout, type LongTimer } from '../core/timer.js';
import { CompactedError, TimeoutError, mapError } from '../errors/index.js';
import { attach, cancelError, dropStream } from '../core/stream.js';
import type { RawStream } from '../transport/index.js';
import { toWatchEvent, type WatchEvent } from './events.js';
import { checkRevision } from './read.js';
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
  checkRevision(options.fromRevision);
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
      const work = collect(core, raw, from, target, Math.max(1, deadline - Date.now()), serializable);
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

function collect(
  core: Core,
  raw: Buffer,
  from: number,
  target: Target,
  timeoutMs: number,
  serializable: boolean,
): Promise<KeyVersion[]> {
  const out: KeyVersion[] = [];
  let createdAt = 0;
  // A response past etcd's request size limit comes in fragments (asked for
  // below, as the 4 MiB receive limit would refuse it whole): join them first.
  let fragments: IWatchResponse['events'] = [];
  let stream: RawStream | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let timer: LongTimer | undefined;
  const finished = new Promise<KeyVersion[]>((resolve, reject) => {
    timer = setLongTimeout(() => reject(new TimeoutError(`history: not complete within ${timeoutMs} ms`)), timeoutMs);
    const handle = (s: RawStream, res: IWatchResponse) => {
      stream = s;
      if (res.canceled) return reject(cancelError(res, from, createdAt));
      if (res.created) return void (createdAt = headerRevision(res));
      fragments.push(...res.events);
      if (res.fragment) return;
      const events = fragments;
      fragments = [];
      for (const ev of events) {
        const event = toWatchEvent(core, ev);
        if (event.modRevision > target.end) return resolve(out);
        out.push(toVersion(event));
        if (target.lastChange !== undefined && event.modRevision >= target.lastChange) return resolve(out);
      }
      const complete = events.length === 0 || distinctRevisions(events) < MAX_BATCH_REVISIONS;
      if (complete && headerRevision(res) >= target.end) resolve(out);
    };
    // A value that fails to decode must reject the call, not throw inside the stream's event.
    const onResponse = (s: RawStream, res: IWatchResponse) => {
      try {
        handle(s, res);
      } catch (err) {
        reject(err);
      }
    };
    attach(
      core,
      { key: raw, start_revision: from, fragment: true },
      { onResponse, onBroken: (_s, err) => reject(err) },
      timeoutMs,
      // Serializable: the member's own history, leader or not (as a serializable range).
      { requireLeader: !serializable },
    ).then((a) => {
      stream = a.stream;
      // A key absent now may have no event in the window, and then nothing arrives: ask for
      // progress. Only after a few of etcd's 100 ms catch-up passes, as etcd before 3.4.24
      // could answer a progress request ahead of catch-up events.
      if (target.lastChange === undefined) ticker = setInterval(() => stream?.write({ progress_request: {} }), 500);
    }, reject);
  });
  return finished.finally(() => {
    clearInterval(ticker);
    timer?.clear();
    dropStream(stream);
  });
}
