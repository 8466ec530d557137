import { show } from '../config/show.js';
import { ValidationError } from '../errors/index.js';

/**
 * Lease ids are 64-bit. etcdkit shows them as lowercase hex strings (as
 * `etcdctl` and Go's lock keys do) so no precision is lost; etcd3 wants them
 * as decimal strings.
 */
export function leaseToWire(id: string): string {
  if (typeof id !== 'string' || !/^[0-9a-f]{1,16}$/i.test(id)) {
    const kind =
      typeof id === 'string' ? '' : ` (a ${id === null ? 'null' : typeof id}; pass the lease, or its hex id string)`;
    throw new ValidationError(`lease id must be a hex string of 1 to 16 digits, got ${show(id)}${kind}`);
  }
  return BigInt(`0x${id}`).toString(10);
}

/** The hex id for a decimal lease id from the server; `undefined` for 0 (no lease). */
export function leaseFromWire(id: string | number | undefined): string | undefined {
  if (id === undefined || id === '0' || id === 0) return undefined;
  return BigInt(id).toString(16);
}

/**
 * Revisions are 64-bit in etcd; they are returned as numbers, exact up to
 * 2^53 (a cluster doing a million writes per second reaches that in 285 years).
 */
export function revision(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}

/** The revision a response header reports. */
export function headerRevision(res: { header: { revision: string | number } }): number {
  return revision(res.header.revision);
}

/**
 * Member ids are 64-bit; etcdkit shows them as lowercase hex strings, as
 * `etcdctl member list` prints them. etcd3 wants decimal strings.
 */
export function memberToWire(id: string): string {
  if (typeof id !== 'string' || !/^[0-9a-f]{1,16}$/i.test(id)) {
    throw new ValidationError(`member id must be a hex string of 1 to 16 digits, got ${JSON.stringify(id)}`);
  }
  return BigInt(`0x${id}`).toString(10);
}

/** The hex id for a decimal member id from the server. */
export function memberFromWire(id: string | number): string {
  return BigInt(id).toString(16);
}
