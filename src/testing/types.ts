/** Options of {@link startEtcd}. */
export interface StartEtcdOptions {
  /** Cluster size (local binary only). @default 1 */
  members?: number;
  /** Serve clients over TLS with a throwaway CA. @default false */
  tls?: boolean;
  /** With `tls`, require client certificates (mutual TLS). @default false */
  clientCertAuth?: boolean;
  /** Enable etcd's authentication with a `root` user of this password. */
  auth?: { rootPassword: string };
  /**
   * A server of its own, which the caller may kill, restart or compact:
   * never the cluster in `ETCD_ENDPOINTS`. Implied by `members`, `tls` and `auth`.
   * @default false
   */
  isolated?: boolean;
  /** How long to wait for the cluster to become healthy, in ms. @default 30000 */
  startTimeoutMs?: number;
}

/** TLS material of a started etcd, as PEM file paths. */
export interface EtcdTLSFiles {
  readonly ca: string;
  /** Client certificate (`CN=root`). */
  readonly cert: string;
  readonly key: string;
}

/** One member of a started cluster. */
export interface EtcdMember {
  readonly name: string;
  /** Client URL of this member. */
  readonly endpoint: string;
}

/** Where a started etcd comes from. */
export type EtcdSource = 'env' | 'container' | 'binary';

/** A running throwaway etcd. `stop()` it when done (or use `await using`). */
export interface EtcdHandle extends AsyncDisposable {
  /** Client URLs of every member. */
  readonly endpoints: string[];
  readonly members: readonly EtcdMember[];
  readonly source: EtcdSource;
  /** Present when started with `tls`. */
  readonly tls?: EtcdTLSFiles;
  /** Present when started with `auth`. */
  readonly auth?: { readonly username: 'root'; readonly password: string };
  /** Stops every member (SIGTERM, then SIGKILL) and removes the data. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILLs one member (by index), or every member when none is given. */
  kill(member?: number): Promise<void>;
  /** Starts a member (or all) again on the same ports and data dir, stopping it first if running; waits until healthy. */
  restart(member?: number): Promise<void>;
  /** Index of the current leader, or -1 when there is none. */
  leader(): Promise<number>;
}
