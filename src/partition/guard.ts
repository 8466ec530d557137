import type { PartitionTable } from './table.js';
import { crossPartition } from './wrap.js';

/**
 * The one partition holding every key of `keys` and every key under each of
 * `prefixes`, for what must run in one cluster (a transaction, an STM block).
 * Looks at the layout only: sends nothing. An empty input belongs to the default.
 * @throws {@link CrossPartitionError} when they live in more than one partition.
 */
export function samePartition(
  table: PartitionTable,
  keys: Iterable<string>,
  prefixes: Iterable<string> = [],
  op = 'a transaction',
): string {
  const byPartition = new Map<string, string[]>();
  const add = (partition: string, what: string) => byPartition.set(partition, [...(byPartition.get(partition) ?? []), what]);
  for (const key of keys) add(table.partitionOf(key), key);
  for (const prefix of prefixes) for (const p of table.partitionsUnder(prefix)) add(p, `${prefix}*`);
  if (byPartition.size > 1) throw crossPartition(op, byPartition);
  return byPartition.keys().next().value ?? '';
}
