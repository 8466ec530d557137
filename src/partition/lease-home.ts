import type { Client } from '../client.js';
import type { ReencryptOptions, ReencryptResult } from '../kv/reencrypt.js';
import { ConfigError, CrossPartitionError, ValidationError } from '../errors/index.js';
import type { LeaseRef, PrefixOptions } from '../kv/index.js';
import type { PrefixWatchOptions, WatchEvent } from '../watch/index.js';
import type { ConnectionState } from '../resilience/index.js';
import { PartitionedWatch, type EventSource } from '../watch/merged.js';
import type { PartitionWatchOptions } from './backend.js';
import { partitionLabel } from '../errors/partition-label.js';

/** Options of {@link Client.lease} and {@link Client.session} on where the lease lives. */
export interface LeaseHint {
  /**
   * A key the lease is for: the lease is granted in the cluster of that key's
   * partition. Without it, in the default partition's. Ignored on a client without partitions.
   */
  partitionOf?: string;
}

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

/**
 * Adapts a partition's client to a leg of a merged watch, with the caller's
 * watch options; those that need one cluster are refused first.
 * @throws {@link ValidationError} for `fromRevision` or `callback`.
 */
export function watchSource(options: PrefixWatchOptions, spanned: number): (client: Client) => EventSource<WatchEvent> {
  const { fromRevision, callback, all: _all, ...rest } = options;
  if (fromRevision !== undefined) {
    throw new ValidationError(
      `fromRevision cannot apply to a merged watch (over ${spanned} partition(s), each with its own revisions): resume with { from: watch.token }`,
    );
  }
  if (callback !== undefined) throw new ValidationError('a watch over several partitions has no callback: iterate it');
  return (client) => ({
    revision: () => client.revision(),
    watchPrefix: (prefix, o) => client.watchPrefix(prefix, { ...rest, ...o }) as ReturnType<EventSource<WatchEvent>['watchPrefix']>,
  });
}

/**
 * Re-encrypts `prefix` in each spanned partition, one after the other, each
 * with its own configuration's keys. Partitions without encryption are left
 * alone (their values are plaintext by design); if none has it, the default
 * partition's client says why.
 */
export async function reencryptAll(
  legs: ReadonlyArray<{ partition: string; prefix: string; client: Client }>,
  options: ReencryptOptions & PrefixOptions = {},
): Promise<ReencryptResult> {
  const encrypted = legs.filter((l) => l.client.config.encryption !== undefined);
  if (encrypted.length === 0) {
    throw new ConfigError('encryption', `is not configured in any partition under this prefix (${legs.map((l) => partitionLabel(l.partition)).join(', ')})`);
  }
  let total: ReencryptResult = { scanned: 0, rewritten: 0, skipped: 0 };
  for (const leg of encrypted) {
    const before = total;
    const onProgress = options.onProgress && ((p: ReencryptResult) => options.onProgress!(add(before, p)));
    const all = leg.prefix === '' ? { all: true } : {};
    total = add(before, await leg.client.reencrypt(leg.prefix, { ...options, ...all, ...(onProgress ? { onProgress } : {}) }));
  }
  return total;
}

function add(a: ReencryptResult, b: ReencryptResult): ReencryptResult {
  return { scanned: a.scanned + b.scanned, rewritten: a.rewritten + b.rewritten, skipped: a.skipped + b.skipped };
}

/** A merged watch on a client without partitions: one leg, the whole cluster, and a token all the same. */
export async function watchWhole(
  client: Client,
  prefix: string,
  options: PrefixWatchOptions & PartitionWatchOptions = {},
): Promise<PartitionedWatch<WatchEvent>> {
  if (typeof prefix !== 'string') throw new ValidationError(`prefix must be a string, got ${typeof prefix}`);
  if (prefix === '' && options.all !== true) {
    throw new ValidationError('empty prefix refused: it covers every key; pass { all: true } to mean that');
  }
  const { from, ...rest } = options;
  const leg = { partition: '', prefix, source: watchSource(rest, 1)(client) };
  return PartitionedWatch.open(prefix, [leg], () => '', from);
}

const SEVERITY: readonly ConnectionState[] = ['connected', 'reconnecting', 'disconnected', 'closed'];
/** The worst of several clients' connection states. */
export function worst(states: readonly ConnectionState[]): ConnectionState {
  return states.reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), 'connected');
}
