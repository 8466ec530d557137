import type { IWatchCreateRequest, IWatchResponse } from 'etcd3';
import type { Core } from '../core/core.js';
import { headerRevision, revision } from '../core/ids.js';
import { cancelError, dropStream } from '../core/stream.js';
import { ownLink } from './link.js';
import type { RawStream } from '../transport/index.js';
import { ClosedError, TimeoutError } from '../errors/index.js';

// etcd before 3.4.24 and 3.5.8 could answer a progress request ahead of the
// catch-up events of a watcher that is not in sync yet (etcd-io/etcd#15220):
// such a probe asks only after a few of etcd's 100 ms catch-up passes.
const UNSYNCED_ASK_MS = 500;

/**
 * Proves how far a watch over `request`'s range is current, for a watch whose
 * own stream cannot answer: etcd answers a progress request for a whole stream
 * only once every watcher on it is in sync, so one watch catching up on a
 * shared stream holds back the answer for all, and a watch detached as a slow
 * consumer has no watcher on the server at all.
 *
 * A watcher of its own is created over the same range from `from` (the
 * revision after the last one the watch received), and asked for progress.
 * Its first event, at revision F, proves there is nothing in the range
 * between `from` and F - 1: the watch is current at F - 1. A progress answer
 * at R before any event proves it is current at R. Resolves to that revision.
 */
export function probeProgress(
  core: Core,
  request: IWatchCreateRequest,
  from: number,
  timeoutMs: number,
  until: Promise<unknown>,
): Promise<number> {
  let stream: RawStream | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const answer = new Promise<number>((resolve, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`watch.requestProgress: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    until.then(
      () => reject(new ClosedError('watch.requestProgress: the watch is closed')),
      (err: unknown) => reject(err),
    );
    const ask = () => stream?.write({ progress_request: {} });
    const onResponse = (s: RawStream, res: IWatchResponse) => {
      stream = s;
      if (res.canceled) return reject(cancelError(res, from, 0));
      if (res.created) {
        // A watcher from past the current revision is in sync from its creation.
        if (from > headerRevision(res)) ask();
        ticker = setInterval(ask, UNSYNCED_ASK_MS);
        return;
      }
      const first = res.events[0];
      resolve(first ? revision(first.kv.mod_revision) - 1 : headerRevision(res));
    };
    const probe = { ...request, start_revision: from, prev_kv: false, progress_notify: false, fragment: true };
    // A raw watcher on the engine's own-stream link: it lives for one answer, with no resumption.
    ownLink(core)
      .attach(probe, { onResponse, onBroken: (_s, err) => reject(err) }, timeoutMs)
      .then((a) => {
        stream = a.stream;
        if (settled) dropStream(a.stream); // answered (or given up) while being created
      }, reject);
  });
  return answer.finally(() => {
    settled = true;
    clearTimeout(timer);
    clearInterval(ticker);
    dropStream(stream);
  });
}
