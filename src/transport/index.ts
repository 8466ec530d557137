/**
 * The only door to etcd3's internals: creating the client for a Config, its
 * pool's hosts and credentials, the auth token, unary calls and raw streams.
 * Nothing else in etcdkit reaches into etcd3 or grpc-js beyond their public
 * API. It sits below `core/` and imports only `config/`.
 */
export { forgetToken } from './auth.js';
export { omitIpServerName } from './credentials.js';
export { createEtcd3 } from './etcd.js';
export { setHosts } from './hosts.js';
export type { HostGuard } from './internals.js';
export {
  openKeepAliveStream,
  openSnapshotStream,
  openWatchStream,
  type KeepAliveStream,
  type RawStream,
  type SnapshotStream,
  type WatchStream,
} from './streams.js';
export { unary } from './unary.js';
export { createRpc, type CallSpec, type Rpc } from './wire.js';
export { Deadlines, type Pending } from './deadlines.js';
