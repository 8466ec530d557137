import type { Backend, Cluster } from '../backend/index.js';
import { stm, type StmOptions, type StmResult, type StmTx } from '../concurrency/stm.js';
import { TxnBuilder } from '../txn/index.js';
import { checkHome } from './lease-home.js';
import { clusterOf, soleCluster } from './route.js';
import { partitionBinder } from './same-partition.js';
import { spanOfSpec, type KeyedSpec } from './spec.js';

/**
 * A transaction builder. Over partitions a transaction runs where its keys
 * live: the builder asks at commit, before anything is sent.
 */
export function txn(backend: Backend): TxnBuilder {
  const sole = soleCluster(backend);
  if (sole) return new TxnBuilder(sole.core);
  return new TxnBuilder(backend.core, undefined, (spec) => forSpec(backend, spec).core);
}

/**
 * Runs an STM block. Over partitions it binds to the partition of the first
 * key it touches; a key of another partition throws.
 */
export function stmIn<T>(
  backend: Backend,
  fn: (tx: StmTx) => Promise<T> | T,
  options?: StmOptions,
): Promise<StmResult<T>> {
  const sole = soleCluster(backend);
  if (sole) return stm(sole.core, fn, options);
  const bind = partitionBinder(backend);
  return stm((key) => clusterOf(backend, bind(key)).core, fn, options);
}

/**
 * The cluster of the one partition a transaction (given as plain data) touches.
 * @throws {@link CrossPartitionError} when its keys or prefixes span partitions; nothing is sent.
 */
function forSpec(backend: Backend, spec: KeyedSpec, op = 'a transaction'): Cluster {
  const { keys, prefixes, leases } = spanOfSpec(spec);
  const partition = backend.assertSamePartition(keys, op, prefixes);
  for (const { key, lease } of leases) checkHome(partition, lease as object, `key '${key}'`);
  return clusterOf(backend, partition);
}
