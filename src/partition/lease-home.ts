import { CrossPartitionError, ValidationError } from '../errors/index.js';
import type { LeaseRef } from '../kv/index.js';
import type { LeaseHint } from '../backend/index.js';
import { partitionLabel } from '../errors/partition-label.js';

/**
 * The partition of each lease and session handle granted through a
 * partitioned client: a lease id means something in one cluster only, and
 * attaching a key of another cluster to it would fail there or, worse, hit
 * an unrelated lease with the same id.
 */
const homes = new WeakMap<object, string>();

/** Records that `handle` (a Lease or a Session, and the session's lease) lives in `partition`. */
export function remember<T extends object>(partition: string, handle: T): T {
  homes.set(handle, partition);
  const lease = (handle as { lease?: unknown }).lease;
  if (typeof lease === 'object' && lease !== null) homes.set(lease, partition);
  return handle;
}

/**
 * Refuses a lease (or session) handle granted in another partition than the
 * one the write goes to. A bare hex id carries no partition: it is passed on as is.
 * @throws {@link CrossPartitionError} naming both partitions.
 */
export function checkHome(partition: string, lease: LeaseRef | object | undefined, what: string): void {
  if (typeof lease !== 'object' || lease === null) return;
  const home = homes.get(lease);
  if (home === undefined || home === partition) return;
  throw new CrossPartitionError(
    `${what} is in ${partitionLabel(partition)}, but its lease belongs to ${partitionLabel(home)}: ` +
      `a lease exists in one cluster only; grant it with { partitionOf: key }`,
  );
}

/** Splits the routing hint from the options passed on. */
export function withoutHint<O extends LeaseHint>(options: O | undefined): [string | undefined, Omit<O, 'partitionOf'>] {
  const { partitionOf, ...rest } = options ?? ({} as O);
  if (partitionOf !== undefined && typeof partitionOf !== 'string') {
    throw new ValidationError(`partitionOf must be a key (string), got ${typeof partitionOf}`);
  }
  return [partitionOf, rest];
}
