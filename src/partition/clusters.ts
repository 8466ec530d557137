import type { CallOptions } from '../core/call.js';
import * as admin from '../admin/index.js';
import type { EndpointStatus, Health, Member } from '../admin/index.js';
import type { Backend, PartitionHealth } from '../backend/index.js';
import { worst } from './connection.js';
import { soleCluster } from './route.js';

/** Status of every endpoint of every cluster. */
export async function status(backend: Backend, options?: CallOptions): Promise<EndpointStatus[]> {
  const clusters = [...backend.clusters.values()];
  return (await Promise.all(clusters.map((c) => admin.status(c.core, options)))).flat();
}

/** Health of each partition's cluster, the default first. */
export async function partitionHealth(backend: Backend, options?: CallOptions): Promise<PartitionHealth[]> {
  return Promise.all(
    [...backend.clusters].map(async ([partition, c]) => ({
      partition,
      endpoints: c.config.endpoints,
      health: await admin.health(c.core, options),
    })),
  );
}

/**
 * One cluster's health; over partitions, healthy when every partition is,
 * `statuses` listing every endpoint of every partition, `connection` the worst.
 */
export async function health(backend: Backend, options?: CallOptions): Promise<Health> {
  const sole = soleCluster(backend);
  if (sole) return admin.health(sole.core, options);
  const all = await partitionHealth(backend, options);
  return {
    healthy: all.every((p) => p.health.healthy),
    endpoints: all.reduce((n, p) => n + p.health.endpoints, 0),
    reachable: all.reduce((n, p) => n + p.health.reachable, 0),
    statuses: all.flatMap((p) => p.health.statuses),
    connection: worst(all.map((p) => p.health.connection)),
    openCircuits: all.reduce((n, p) => n + p.health.openCircuits, 0),
  };
}

/** The members of every cluster, naming the partition of one that fails. */
export async function members(backend: Backend, options?: CallOptions): Promise<Member[]> {
  const clusters = [...backend.clusters];
  const lists = await Promise.all(clusters.map(([p, c]) => backend.within(p, () => admin.members(c.core, options))));
  return lists.flat();
}
