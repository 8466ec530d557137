import type { Etcd3, IWatchCreateRequest, IWatchResponse } from 'etcd3';
import { poolOf } from './internals.js';

/** The raw gRPC duplex watch stream etcd3 hands out, with the Node stream methods it has at run time. */
export interface RawStream {
  write(item: { create_request?: IWatchCreateRequest; progress_request?: Record<string, never> }): void;
  cancel(): void;
  pause(): void;
  resume(): void;
  on(event: 'data', fn: (res: IWatchResponse) => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
  on(event: 'end', fn: () => void): this;
  removeAllListeners(): this;
}

/** A watch stream that carries many watchers: creates, cancels and progress requests. */
export interface WatchStream extends RawStream {
  write(item: {
    create_request?: IWatchCreateRequest;
    cancel_request?: { watch_id: string };
    progress_request?: Record<string, never>;
  }): void;
}

/** What opening a watch stream may change. */
export interface WatchStreamOptions {
  /**
   * `false` opens the stream without `hasleader`, whatever the config says
   * (a serializable read must work on a member without a leader).
   */
  readonly requireLeader?: boolean;
}

// Call options that replace the client's default stream options (which add
// `hasleader` when the config requires a leader): no interceptor at all.
const NO_LEADER_REQUIRED = { interceptors: [] };

/** Opens a Watch stream on one host, with the auth token. */
export async function openWatchStream(etcd: Etcd3, options: WatchStreamOptions = {}): Promise<WatchStream> {
  const grpc = options.requireLeader === false ? NO_LEADER_REQUIRED : undefined;
  return (await etcd.watchClient.watch(grpc)) as unknown as WatchStream;
}

/** etcd3's duplex lease keep-alive stream. */
export interface KeepAliveStream {
  write(item: { ID: string }): void;
  cancel(): void;
  on(event: 'data', fn: (res: { ID: string; TTL: string }) => void): KeepAliveStream;
  on(event: 'error', fn: (err: Error) => void): KeepAliveStream;
  on(event: 'end', fn: () => void): KeepAliveStream;
}

/** Opens a LeaseKeepAlive stream on one host, with the auth token. */
export async function openKeepAliveStream(etcd: Etcd3): Promise<KeepAliveStream> {
  return (await etcd.leaseClient.leaseKeepAlive()) as unknown as KeepAliveStream;
}

/** The parts of grpc-js' server stream a snapshot needs (etcd3 types it loosely). */
export interface SnapshotStream extends AsyncIterable<{ blob: Buffer; remaining_bytes: string }> {
  cancel(): void;
}

/**
 * Opens the snapshot stream. etcd3's `maintenance.snapshot()` passes the
 * call metadata where the request belongs, so the auth token is lost and
 * etcd refuses the call when authentication is on; calling the gRPC method
 * through the pool with the arguments in order keeps the token.
 */
export async function openSnapshotStream(etcd: Etcd3): Promise<SnapshotStream> {
  const pool = poolOf(etcd);
  if (typeof pool?.withConnection !== 'function') {
    return (await etcd.maintenance.snapshot()) as unknown as SnapshotStream;
  }
  return pool.withConnection('Maintenance', ({ client, metadata }) =>
    client.snapshot!({}, metadata, {}),
  ) as Promise<SnapshotStream>;
}
