import type { IWatchCreateRequest, IWatchResponse } from 'etcd3';
import { openWatchStream, type RawStream } from '../transport/index.js';
import type { Core } from './core.js';
import { headerRevision, revision } from './ids.js';
import { setLongTimeout } from './timer.js';
import { CompactedError, mapError, TimeoutError, type EtcdKitError } from '../errors/index.js';

/** What an attached watcher reports after its `created` response. */
export interface StreamHandlers {
  onResponse(stream: RawStream, res: IWatchResponse): void;
  onBroken(stream: RawStream, err: unknown): void;
}

/** A watcher created on its own stream. */
export interface Attached {
  readonly stream: RawStream;
  readonly created: IWatchResponse;
}

/**
 * Opens a stream and creates one watcher on it; resolves on the server's
 * `created` response. Each watch owns its stream, so pausing it (backpressure)
 * or losing it never affects another watch. `requireLeader: false` opens the
 * stream without `hasleader`, whatever the config says: a serializable read
 * must work on a member without a leader.
 */
export async function attach(
  core: Core,
  request: IWatchCreateRequest,
  handlers: StreamHandlers,
  timeoutMs: number,
  options: { readonly requireLeader?: boolean } = {},
): Promise<Attached> {
  const stream = await openWatchStream(core.etcd, options);
  return new Promise<Attached>((resolve, reject) => {
    let created = false;
    const timer = setLongTimeout(() => {
      stream.removeAllListeners();
      stream.on('error', () => undefined);
      stream.cancel();
      reject(new TimeoutError(`watch: not created within ${timeoutMs} ms`));
    }, timeoutMs);
    const broken = (err: unknown) => {
      timer.clear();
      if (created) handlers.onBroken(stream, err);
      else reject(err);
    };
    stream.on('data', (res) => {
      if (!created && res.created) {
        created = true;
        timer.clear();
        resolve({ stream, created: res });
      }
      handlers.onResponse(stream, res);
    });
    stream.on('error', broken);
    stream.on('end', () => broken(new Error('watch stream ended')));
    stream.write({ create_request: request });
  });
}

/** Ends a stream without letting its late errors surface. */
export function dropStream(stream: RawStream | undefined): void {
  if (!stream) return;
  stream.removeAllListeners();
  stream.on('error', () => undefined);
  stream.cancel();
}

/**
 * The {@link CompactedError} a canceled response describes, or the mapped
 * cancel reason. etcd leaves the header of a compaction cancel empty, so the
 * current revision comes from the watcher's `created` response.
 */
export function cancelError(res: IWatchResponse, from: number, createdAt: number): EtcdKitError {
  const compact = revision(res.compact_revision || 0);
  if (compact > 0) {
    const current = Math.max(headerRevision(res), createdAt);
    return new CompactedError(
      `watch: revision ${from} has been compacted (history starts at ${compact}, current revision ${current})`,
      compact,
      current,
    );
  }
  return mapError(new Error(res.cancel_reason || 'watch canceled by the server'), { op: 'watch' });
}

/**
 * The revision the keyspace is compacted to, and the current revision, found
 * by creating a watcher at revision 1 on `rawKey` (etcd answers a watch below
 * the compaction point with the compact revision). 0 when unknown.
 */
export async function compactionOf(
  core: Core,
  rawKey: Buffer,
  timeoutMs = 2000,
): Promise<{ compactRevision: number; currentRevision: number }> {
  let stream: RawStream | undefined;
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve({ compactRevision: 0, currentRevision: 0 }), timeoutMs);
      let current = 0;
      const done = (res: IWatchResponse) => {
        clearTimeout(timer);
        resolve({
          compactRevision: revision(res.compact_revision || 0),
          currentRevision: Math.max(current, headerRevision(res)),
        });
      };
      attach(
        core,
        { key: rawKey, start_revision: 1 },
        {
          onResponse: (s, res) => {
            stream = s;
            if (res.created) current = headerRevision(res);
            if (res.canceled) done(res);
          },
          onBroken: (_s, err) => reject(err),
        },
        timeoutMs,
      ).then((a) => (stream = a.stream), reject);
    });
  } catch {
    return { compactRevision: 0, currentRevision: 0 };
  } finally {
    dropStream(stream);
  }
}

/**
 * A {@link CompactedError} from a read carries no revisions (the server's
 * error has none): look them up so the caller knows where history starts.
 */
export async function enrichCompacted(core: Core, err: unknown, rawKey: Buffer): Promise<unknown> {
  if (!(err instanceof CompactedError) || err.compactRevision > 0) return err;
  const { compactRevision, currentRevision } = await compactionOf(core, rawKey);
  if (compactRevision === 0) return err;
  const message = `${err.message} (history starts at ${compactRevision}, current revision ${currentRevision})`;
  return new CompactedError(message, compactRevision, currentRevision, { cause: err.cause });
}
