import type { Etcd3 } from 'etcd3';
import type { Config } from '../config/index.js';
import type { Rpc } from '../transport/index.js';
import type { ValueCodec } from '../codec/index.js';
import type { Keyspace } from '../keys/index.js';
import type { Caller } from './call.js';
import type { ServerVersion } from './server.js';

/**
 * What every feature module works with: the configuration, the wrapped etcd3
 * client, key mapping, the value pipeline and the call layer. Internal.
 */
export interface Core {
  readonly config: Config;
  readonly etcd: Etcd3;
  /** etcd's unary services on the lean call path (transport/wire.ts): every unary call goes here. */
  readonly rpc: Rpc;
  readonly keys: Keyspace;
  readonly codec: ValueCodec;
  readonly caller: Caller;
  /** The etcd version, as far as connecting told it (see core/server.ts). */
  readonly server: ServerVersion;
  /** Handles (watches, leases, sessions) closed with the client. A handle removes itself when closed. */
  readonly resources: Set<Closeable>;
}

/** Anything with an idempotent close. */
export interface Closeable {
  close(): unknown;
}
