import type { IWatchCreateRequest } from 'etcd3';
import type { Core } from '../core/core.js';
import type { Attached, StreamHandlers } from '../core/stream.js';
import { setLongTimeout } from '../core/timer.js';
import { TimeoutError } from '../errors/index.js';
import { openWatchStream } from '../transport/index.js';

/**
 * Opens a stream and creates one watcher on it; resolves on the server's
 * `created` response. Each watch owns its stream, so pausing it (backpressure)
 * or losing it never affects another watch. `requireLeader: false` opens the
 * stream without `hasleader`, whatever the config says: a serializable read
 * must work on a member without a leader.
 */
export async function attachOwn(
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
