import type { Backend, Cluster, LeaseHint } from '../backend/index.js';
import type { CallOptions } from '../core/call.js';
import { grantLease, type Lease } from '../lease/index.js';
import { openSession, type Session, type SessionOptions } from '../concurrency/index.js';
import type { LeaseRef } from '../kv/index.js';
import { checkHome, remember, withoutHint } from './lease-home.js';
import { clusterOf, soleCluster } from './route.js';

/**
 * Grants a lease: in one cluster, there (a hint means nothing); over
 * partitions, in the cluster of the hint's partition (the default without
 * one), and remembers where, so that a key of another partition cannot use it.
 */
export async function lease(backend: Backend, ttl: number, options?: CallOptions & LeaseHint): Promise<Lease> {
  const sole = soleCluster(backend);
  if (sole) return grantLease(sole.core, ttl, options);
  const [p, rest] = home(backend, options);
  return remember(p, await backend.within(p, () => grantLease(clusterOf(backend, p).core, ttl, rest)));
}

/** Opens a session where {@link lease} grants a lease. */
export async function session(backend: Backend, options?: SessionOptions & LeaseHint): Promise<Session> {
  const sole = soleCluster(backend);
  if (sole) return openSession(sole.core, options);
  const [p, rest] = home(backend, options);
  return remember(p, await backend.within(p, () => openSession(clusterOf(backend, p).core, rest)));
}

function home<O extends LeaseHint>(backend: Backend, options: O | undefined): [string, Omit<O, 'partitionOf'>] {
  const [hint, rest] = withoutHint(options);
  return [hint === undefined ? '' : backend.partitionOf(hint), rest];
}

/**
 * Refuses a lease (or session) handle granted in another partition than
 * `partition`, where a write goes; nothing to check in one cluster.
 * @throws {@link CrossPartitionError} naming both partitions.
 */
export function checkLeaseHome(
  backend: Backend,
  partition: string,
  lease: LeaseRef | object | undefined,
  what: string,
): void {
  if (!soleCluster(backend)) checkHome(partition, lease, what);
}

/**
 * The cluster of a recipe's keys (`name/…`), checking that a given session
 * lives there too. Synchronous, like the recipes' constructors.
 * @throws {@link CrossPartitionError} when `name/` spans partitions or the session is another partition's.
 */
export function recipeCluster(backend: Backend, name: string, what: string, session?: object): Cluster {
  const sole = soleCluster(backend);
  if (sole) return sole;
  if (typeof name !== 'string' || name === '') return clusterOf(backend, ''); // whose recipe refuses the name
  const partition = backend.assertSamePartition([], `${what} '${name}'`, [`${name}/`]);
  checkHome(partition, session, `${what} '${name}'`);
  return clusterOf(backend, partition);
}
