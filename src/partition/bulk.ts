import type { Backend, Cluster } from '../backend/index.js';
import type { Value } from '../codec/index.js';
import { PartialWriteError } from '../errors/index.js';
import * as kv from '../kv/index.js';
import { crossPartition, partitionLabel } from '../errors/partition-label.js';
import { checkHome } from './lease-home.js';
import { clusterOf, soleCluster } from './route.js';

/**
 * Writes `entries`: in one cluster, as `kv.bulkPut` does; over partitions,
 * each partition's share through its own cluster. Every entry is checked
 * before anything is sent; `atomic` is refused when the keys span partitions
 * (no transaction crosses clusters).
 */
export async function bulkPut(
  backend: Backend,
  entries: kv.Entries,
  options: kv.BulkPutOptions = {},
): Promise<kv.BulkResult> {
  const sole = soleCluster(backend);
  if (sole) return kv.bulkPut(sole.core, entries, options);
  const groups = new Map<string, Map<string, Value>>();
  for (const [key, value] of kv.pairs(entries)) {
    const p = backend.partitionOf(key);
    groups.set(p, (groups.get(p) ?? new Map<string, Value>()).set(key, value));
  }
  for (const p of groups.keys()) checkHome(p, options.lease, 'bulkPut');
  if (groups.size > 1) {
    if (options.atomic) throw crossPartition('an atomic bulkPut', keysOf(groups));
    // A single client checks its whole input first; do the same across clients.
    for (const [p, group] of groups) {
      const core = clusterOf(backend, p).core;
      for (const [key, value] of group) kv.encodePut(core, key, value);
    }
  }
  return run(backend, 'bulkPut', groups, (cluster, group) => kv.bulkPut(cluster.core, group, options));
}

/** Deletes `keys`, as {@link bulkPut} writes: each partition's share through its own cluster; `atomic` across partitions is refused. */
export async function bulkDelete(
  backend: Backend,
  keys: Iterable<string>,
  options: kv.BulkOptions = {},
): Promise<kv.BulkResult> {
  const sole = soleCluster(backend);
  if (sole) return kv.bulkDelete(sole.core, keys, options);
  const groups = new Map<string, Set<string>>();
  for (const key of kv.bulkKeys(keys)) {
    const p = backend.partitionOf(key);
    groups.set(p, (groups.get(p) ?? new Set<string>()).add(key));
  }
  if (groups.size > 1) {
    if (options.atomic) throw crossPartition('an atomic bulkDelete', keysOf(groups));
    for (const [p, group] of groups) for (const key of group) clusterOf(backend, p).core.keys.encode(key);
  }
  return run(backend, 'bulkDelete', groups, (cluster, group) => kv.bulkDelete(cluster.core, group, options));
}

function keysOf(groups: ReadonlyMap<string, Map<string, unknown> | Set<string>>): Map<string, string[]> {
  return new Map([...groups].map(([p, g]) => [p, [...g.keys()]]));
}

async function run<G extends { size: number }>(
  backend: Backend,
  op: string,
  groups: ReadonlyMap<string, G>,
  write: (cluster: Cluster, group: G) => Promise<kv.BulkResult>,
): Promise<kv.BulkResult> {
  const entries = [...groups];
  const settled = await Promise.allSettled(
    entries.map(([p, g]) => backend.within(p, () => write(clusterOf(backend, p), g))),
  );
  let count = 0;
  let applied = 0;
  const revisions: number[] = [];
  const failures: Array<{ partition: string; error: unknown }> = [];
  settled.forEach((s, i) => {
    const [partition, group] = entries[i]!;
    if (s.status === 'fulfilled') {
      count += s.value.count;
      applied += group.size;
      revisions.push(...s.value.revisions);
    } else {
      failures.push({ partition, error: s.reason });
      if (s.reason instanceof PartialWriteError) applied += s.reason.applied;
    }
  });
  const first = failures[0];
  if (!first) return { count, revisions };
  if (applied === 0) throw first.error;
  const total = entries.reduce((n, [, g]) => n + g.size, 0);
  const failed = failures.map((f) => partitionLabel(f.partition)).join(', ');
  const message = `${op}: ${applied} of ${total} entries applied; ${failed} failed: ${(first.error as Error).message}`;
  throw new PartialWriteError(message, applied, total, { cause: first.error });
}
