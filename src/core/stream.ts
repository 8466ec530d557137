import type { IWatchResponse } from 'etcd3';
import type { RawStream } from '../transport/index.js';
import { headerRevision, revision } from './ids.js';
import { CompactedError, mapError, type EtcdKitError } from '../errors/index.js';

/** What an attached watcher reports after its `created` response. */
export interface StreamHandlers {
  onResponse(stream: RawStream, res: IWatchResponse): void;
  onBroken(stream: RawStream, err: unknown): void;
}

/** A watcher created on a stream (its own, or a shared one), with etcd's `created` response. */
export interface Attached {
  readonly stream: RawStream;
  readonly created: IWatchResponse;
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
