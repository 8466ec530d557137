import type { PartitionTable } from './table.js';
import { crossPartition } from '../errors/partition-label.js';

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
  const add = (partition: string, what: string) =>
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), what]);
  for (const key of keys) add(table.partitionOf(key), key);
  for (const prefix of prefixes) for (const p of table.partitionsUnder(prefix)) add(p, `${prefix}*`);
  if (byPartition.size > 1) throw crossPartition(op, byPartition);
  return byPartition.keys().next().value ?? '';
}

/**
 * For work whose keys are known one at a time (an STM block): binds to the
 * partition of the first key and returns it for every later key of that
 * partition; a key of another partition throws, before it is read or written.
 * @throws {@link CrossPartitionError} for a key outside the bound partition.
 */
export function partitionBinder(
  owner: { partitionOf(key: string): string },
  op = 'an STM block',
): (key: string) => string {
  let bound: { partition: string; key: string } | undefined;
  return (key) => {
    const partition = owner.partitionOf(key);
    bound ??= { partition, key };
    if (partition !== bound.partition) {
      throw crossPartition(
        op,
        new Map([
          [bound.partition, [bound.key]],
          [partition, [key]],
        ]),
      );
    }
    return partition;
  };
}
