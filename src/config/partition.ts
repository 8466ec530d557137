import type { Config } from './config.js';

/** A part of the keyspace served by its own etcd cluster: every key starting with `prefix`. */
export interface Partition {
  /** The key prefix this partition owns (the longest matching prefix wins). */
  readonly prefix: string;
  /** How to reach and use that cluster (endpoints, auth, TLS, namespace, encryption…). */
  readonly config: Config;
}
