import type { Config } from '../config/index.js';
import { ValueTooLargeError } from '../errors/index.js';

/** Bytes a put costs in a request beyond its key and value (field tags, lengths, lease, raft header). */
export const OP_OVERHEAD = 64;

/** Refuses a key/value pair whose request could not fit under `maxRequestBytes`. */
export function checkPutSize(config: Config, key: string, etcdKey: Buffer, stored: Buffer): void {
  const size = etcdKey.length + stored.length + OP_OVERHEAD;
  if (size > config.maxRequestBytes) throw new ValueTooLargeError(key, size, config.maxRequestBytes);
}

/** The largest message the client accepts (grpc-js' default receive limit, which etcd3 keeps). */
export const RECEIVE_LIMIT = 4 * 1024 * 1024;
