import {
  ConnectionError,
  CrossPartitionError,
  PartitionUnavailableError,
  TimeoutError,
  UnavailableError,
} from './index.js';

/** How messages name a partition: `partition '/events/'`, or `default partition`. */
export function partitionLabel(prefix: string): string {
  return prefix === '' ? 'default partition' : `partition '${prefix}'`;
}

/**
 * Makes an error from one partition's client say which partition failed, so
 * the caller can tell a dead events cluster from a dead main one. Errors about
 * the call itself (bad input, missing key…) pass through unchanged.
 */
export function inPartition(prefix: string, err: unknown): unknown {
  if (err instanceof PartitionUnavailableError) return err;
  const where = partitionLabel(prefix);
  if (err instanceof UnavailableError || err instanceof ConnectionError) {
    return new PartitionUnavailableError(prefix, `${where}: ${err.message}`, { cause: err });
  }
  if (err instanceof TimeoutError && !err.message.startsWith(where)) {
    return new TimeoutError(`${where}: ${err.message}`, { cause: err, retryable: err.retryable });
  }
  return err;
}

/** Runs `fn` for `prefix`'s partition, naming the partition in what it throws. */
export async function inPartitionOf<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw inPartition(prefix, err);
  }
}

/**
 * Refuses a set of keys that lives in more than one partition: etcd has no
 * transaction across clusters and etcdkit does not fake one.
 */
export function crossPartition(op: string, byPartition: ReadonlyMap<string, readonly string[]>): CrossPartitionError {
  const parts = [...byPartition].map(
    ([p, keys]) =>
      `${partitionLabel(p)}: ${keys
        .slice(0, 3)
        .map((k) => `'${k}'`)
        .join(', ')}${keys.length > 3 ? ', …' : ''}`,
  );
  return new CrossPartitionError(
    `${op} needs keys in ${byPartition.size} partitions (${parts.join('; ')}); etcd cannot make one transaction across clusters`,
  );
}
