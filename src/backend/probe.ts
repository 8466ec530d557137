import { abortable } from '../core/call.js';
import type { Core } from '../core/core.js';
import { SINCE } from '../core/server.js';
import {
  AuthError,
  ConnectionError,
  PermissionDeniedError,
  mapError,
  messageOf,
  NO_CREDENTIALS,
} from '../errors/index.js';
import type { CallSpec } from '../transport/index.js';

/**
 * Checks at connect that an endpoint answers, that the credentials are good
 * and that a client without credentials is not talking to a server that wants
 * them; learns the server version on the way (`core.server`).
 *
 * Connecting needs no permission beyond the user's own keys. It asks
 * `Maintenance.Status`, which gives the version: anyone may call it on 3.4,
 * only root once authentication is on from 3.5. A refusal (PERMISSION_DENIED)
 * is an answer too: the user authenticated, and the server is 3.5 or later.
 *
 * @throws {@link AuthError} on wrong credentials, or none where etcd wants them.
 * @throws {@link ConnectionError} when no endpoint answers within the dial timeout.
 */
export async function probe(core: Core, signal: AbortSignal | undefined): Promise<void> {
  const { endpoints, dialTimeoutMs } = core.config;
  const deadline = Date.now() + dialTimeoutMs;
  let last: unknown;
  // Each call goes to one endpoint picked at random; try as many times as there
  // are endpoints, skipping those that already failed.
  const failed = new Set<string>();
  for (let i = 0; i < endpoints.length && Date.now() < deadline; i++) {
    const timer = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const any = signal ? AbortSignal.any([signal, timer]) : timer;
    const trace: CallSpec = { deadline, avoid: failed };
    try {
      const status = await abortable(core.rpc.maintenance.status(trace), any, { op: 'connect' });
      core.server.set(status.version);
      if (!core.config.auth && core.server.has(SINCE.rootOnlyStatus) === false) {
        await anonymousAllowed(core, trace.endpoint, deadline);
      }
      return;
    } catch (err) {
      if (trace.endpoint) failed.add(trace.endpoint);
      const mapped = mapError(err, { op: 'connect' });
      if (mapped instanceof PermissionDeniedError) return core.server.atLeastVersion(SINCE.rootOnlyStatus);
      if (signal?.aborted || mapped instanceof AuthError) throw mapped;
      last = timer.aborted ? new Error(`no answer within ${dialTimeoutMs} ms`, { cause: err }) : err;
    }
  }
  const reason = last instanceof Error ? messageOf(last) : `no answer within ${dialTimeoutMs} ms`;
  throw new ConnectionError(`cannot connect to ${endpoints.join(', ')}: ${reason}`, endpoints, { cause: last });
}

/**
 * etcd 3.4 answers Status without credentials even with authentication on, so
 * a client without credentials would only learn at its first read that it
 * cannot work. A member-local read of one key tells now: etcd checks the user
 * before the key, and answers "user name is empty" when there is none. The
 * same refusal as 3.5 gives at Status, so both versions fail at connect alike.
 */
async function anonymousAllowed(core: Core, answered: string | undefined, deadline: number): Promise<void> {
  // Asked of the member that just answered, so that a member that is down costs no wait here.
  const avoid = new Set(core.config.endpoints.filter((e) => e !== answered));
  const spec: CallSpec = { deadline, avoid };
  try {
    await core.rpc.kv.range({ key: Buffer.from([0]), count_only: true, serializable: true }, spec);
  } catch (err) {
    const mapped = mapError(err, { op: 'connect' });
    if (mapped instanceof AuthError) throw new AuthError(`connect: ${NO_CREDENTIALS}`, { cause: err });
    // Anything else (a permission, a busy member) is for the first real call to report.
  }
}
