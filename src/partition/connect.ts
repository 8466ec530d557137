import { ClusterBackend, type Backend } from '../backend/index.js';
import type { Config } from '../config/index.js';
import { PartitionedBackend } from './backend.js';

/**
 * The backend a configuration asks for: a {@link PartitionedBackend} over one
 * {@link ClusterBackend} per partition when it has partitions, else one {@link ClusterBackend}.
 * @throws {@link ConnectionError} when a cluster cannot be reached (naming the partition).
 * @throws {@link AuthError} when the user name or password is wrong.
 */
export async function connectBackend(config: Config, signal?: AbortSignal): Promise<Backend> {
  if (config.partitions.length === 0) return ClusterBackend.connect(config, signal);
  return PartitionedBackend.connect(config, (c) => ClusterBackend.connect(c, signal));
}
