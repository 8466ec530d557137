import type { Core } from '../core/core.js';
import { CompactedError } from '../errors/index.js';
import { Watch } from './watch.js';

/** What {@link compactionOf} found: both 0 when unknown. */
interface Compaction {
  readonly compactRevision: number;
  readonly currentRevision: number;
}

const UNKNOWN: Compaction = { compactRevision: 0, currentRevision: 0 };

/**
 * The revision the keyspace is compacted to, and the current revision, found
 * by a watch from revision 1 on `rawKey` on the client's shared streams (etcd
 * cancels a watcher below the compaction point with the compact revision,
 * which the engine reports as {@link CompactedError}). 0 when unknown: not
 * compacted, or no answer within `timeoutMs`.
 */
export async function compactionOf(core: Core, rawKey: Buffer, timeoutMs = 2000): Promise<Compaction> {
  let watch: Watch | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    // One event is enough to hold: a history that is not compacted is not read.
    watch = await Watch.open(core, { key: rawKey }, { fromRevision: 1, bufferSize: 1 });
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([watch.done, late]);
    return UNKNOWN;
  } catch (err) {
    if (!(err instanceof CompactedError)) return UNKNOWN;
    return { compactRevision: err.compactRevision, currentRevision: err.currentRevision };
  } finally {
    clearTimeout(timer);
    await watch?.close();
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
