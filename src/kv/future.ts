import type { Core } from '../core/core.js';
import { headerRevision } from '../core/ids.js';
import { FutureRevisionError } from '../errors/index.js';

/**
 * Adds the cluster's current revision to a {@link FutureRevisionError} (etcd's
 * refusal does not say it), so the caller sees how far ahead it asked.
 * Any other error, or a failed look-up, is returned as it was.
 */
export async function explainFuture(core: Core, err: unknown): Promise<unknown> {
  if (!(err instanceof FutureRevisionError) || err.currentRevision > 0) return err;
  let current: number;
  try {
    const res = await core.caller.run('read', { op: 'revision' }, (grpc) =>
      core.rpc.kv.range({ key: Buffer.from([0]), count_only: true, limit: 1 }, grpc),
    );
    current = headerRevision(res);
  } catch {
    return err;
  }
  const asked = err.requestedRevision > 0 ? `revision ${err.requestedRevision}` : 'the revision asked for';
  const message = `${err.message} (${asked} is ahead of the current revision ${current})`;
  return new FutureRevisionError(message, err.requestedRevision, current, { cause: err.cause });
}
