import type { Backend } from '../backend/index.js';
import type { Value } from '../codec/index.js';
import { PartialWriteError } from '../errors/index.js';
import {
  bulkKeys,
  encodePut,
  pairs,
  type BulkOptions,
  type BulkPutOptions,
  type BulkResult,
  type Entries,
} from '../kv/index.js';
import type { Partitions } from './segments.js';
import { crossPartition, inPartitionOf, partitionLabel } from '../errors/partition-label.js';
import { checkHome } from './lease-home.js';

/**
 * Writes each partition's share of `entries` through its own backend. Every
 * entry is checked before anything is sent; `atomic` is refused when the keys
 * span partitions (no transaction crosses clusters).
 */
export async function bulkPut(parts: Partitions, entries: Entries, options: BulkPutOptions = {}): Promise<BulkResult> {
  const groups = new Map<string, Map<string, Value>>();
  for (const [key, value] of pairs(entries)) {
    const p = parts.table.partitionOf(key);
    groups.set(p, (groups.get(p) ?? new Map<string, Value>()).set(key, value));
  }
  for (const p of groups.keys()) checkHome(p, options.lease, 'bulkPut');
  if (groups.size > 1) {
    if (options.atomic) throw crossPartition('an atomic bulkPut', keysOf(groups));
    // A single client checks its whole input first; do the same across clients.
    for (const [p, group] of groups) for (const [key, value] of group) encodePut(parts.backend(p).core, key, value);
  }
  return run(parts, 'bulkPut', groups, (backend, group) => backend.bulkPut(group, options));
}

/** Deletes each partition's share of `keys` through its own backend; `atomic` across partitions is refused. */
export async function bulkDelete(
  parts: Partitions,
  keys: Iterable<string>,
  options: BulkOptions = {},
): Promise<BulkResult> {
  const groups = new Map<string, Set<string>>();
  for (const key of bulkKeys(keys)) {
    const p = parts.table.partitionOf(key);
    groups.set(p, (groups.get(p) ?? new Set<string>()).add(key));
  }
  if (groups.size > 1) {
    if (options.atomic) throw crossPartition('an atomic bulkDelete', keysOf(groups));
    for (const [p, group] of groups) for (const key of group) parts.backend(p).core.keys.encode(key);
  }
  return run(parts, 'bulkDelete', groups, (backend, group) => backend.bulkDelete(group, options));
}

function keysOf(groups: ReadonlyMap<string, Map<string, unknown> | Set<string>>): Map<string, string[]> {
  return new Map([...groups].map(([p, g]) => [p, [...g.keys()]]));
}

async function run<G extends { size: number }>(
  parts: Partitions,
  op: string,
  groups: ReadonlyMap<string, G>,
  write: (backend: Backend, group: G) => Promise<BulkResult>,
): Promise<BulkResult> {
  const entries = [...groups];
  const settled = await Promise.allSettled(entries.map(([p, g]) => inPartitionOf(p, () => write(parts.backend(p), g))));
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
