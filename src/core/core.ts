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

  // Per-client objects, made on first use by the module that owns each (through the accessor named) and
  // kept for the client's life. Whatever holds a connection registers in `resources` and is closed with
  // the client. Four more are declared beside their owners by declaration merging, so that core/ imports
  // nothing from the layers above it (an import cycle): `watchPool` (watch/pool.ts, `WatchPool.of`),
  // `keepAliveHub` (lease/hub.ts, `KeepAliveHub.of`), `writeBatcher` (kv/write-batch.ts, `writeBatcher`)
  // and `readBatchers` (kv/batch.ts, `readBatcher`).

  /** One etcd3 client per endpoint, for status and probes (admin/status.ts, `endpointClient`); each is in `resources`. */
  endpointClients?: Map<string, Etcd3>;
  /** The endpoints the last `cluster.sync()` chose (admin/membership.ts); unset: the configured ones. */
  syncedEndpoints?: readonly string[];
}

/** Anything with an idempotent close. */
export interface Closeable {
  close(): unknown;
}
