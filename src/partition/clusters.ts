import type { CallOptions } from '../core/call.js';
import type { EndpointStatus, Health, Member } from '../admin/index.js';
import type { Backend, PartitionHealth } from '../backend/index.js';
import { inPartitionOf } from '../errors/partition-label.js';
import { worst } from './connection.js';

/** The backends of a partitioned keyspace, by partition prefix (`''`: the default). */
type Backends = ReadonlyMap<string, Backend>;

/** Status of every endpoint of every partition's cluster. */
export async function status(backends: Backends, options?: CallOptions): Promise<EndpointStatus[]> {
  return (await Promise.all([...backends.values()].map((b) => b.status(options)))).flat();
}

/** Health of each partition's cluster, the default first. */
export async function partitionHealth(backends: Backends, options?: CallOptions): Promise<PartitionHealth[]> {
  return Promise.all(
    [...backends].map(async ([partition, b]) => ({
      partition,
      endpoints: b.config.endpoints,
      health: await b.health(options),
    })),
  );
}

/** Healthy when every partition is; `statuses` lists every endpoint of every partition; `connection` is the worst. */
export async function health(backends: Backends, options?: CallOptions): Promise<Health> {
  const all = await partitionHealth(backends, options);
  return {
    healthy: all.every((p) => p.health.healthy),
    endpoints: all.reduce((n, p) => n + p.health.endpoints, 0),
    reachable: all.reduce((n, p) => n + p.health.reachable, 0),
    statuses: all.flatMap((p) => p.health.statuses),
    connection: worst(all.map((p) => p.health.connection)),
    openCircuits: all.reduce((n, p) => n + p.health.openCircuits, 0),
  };
}

/** The members of every partition's cluster, naming the partition of one that fails. */
export async function members(backends: Backends, options?: CallOptions): Promise<Member[]> {
  const lists = await Promise.all([...backends].map(([p, b]) => inPartitionOf(p, () => b.members(options))));
  return lists.flat();
}
