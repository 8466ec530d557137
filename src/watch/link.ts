import type { IWatchCreateRequest } from 'etcd3';
import type { Core } from '../core/core.js';
import type { Attached, StreamHandlers } from '../core/stream.js';
import { forgetToken } from '../transport/index.js';
import { attachOwn } from './own-stream.js';
import { WatchPool } from './pool.js';

/**
 * @internal Where a {@link Watch} gets its watcher on the server: the one door
 * between the engine and the transport, which unit tests replace with a fake
 * stream. `attach` creates a watcher for `request` and resolves on etcd's
 * `created` response (its handlers see that response too); `forgetToken`
 * makes the next attach authenticate again (a restarted member forgot the
 * token).
 */
export interface WatchLink {
  attach(request: IWatchCreateRequest, handlers: StreamHandlers, timeoutMs: number): Promise<Attached>;
  forgetToken(): void;
}

/** @internal A watcher on one of the client's shared streams (the default): the client's one pool, no allocation per watch. */
export function sharedLink(core: Core): WatchLink {
  return WatchPool.of(core);
}

/**
 * @internal A watcher on a stream of its own (`ownStream`: paused rather than
 * detached when its consumer lags). `requireLeader: false` opens it without
 * `hasleader` whatever the config says (a serializable history must work on a
 * member without a leader).
 */
export function ownLink(core: Core, options: { readonly requireLeader?: boolean } = {}): WatchLink {
  return {
    attach: (request, handlers, timeoutMs) => attachOwn(core, request, handlers, timeoutMs, options),
    forgetToken: () => forgetToken(core.etcd),
  };
}
