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
  /**
   * etcd's `--quota-backend-bytes`: writes fail with NOSPACE once the database
   * file reaches this size (local binary only; implies `isolated`).
   */
  quotaBackendBytes?: number;
}

/**
 * Options of {@link EtcdHandle.addMember}: how a throwaway cluster grows. Not
 * the `AddMemberOptions` of `etcdkit` (options of `client.cluster.addMember`).
 */
export interface AddTestMemberOptions {
  /** Join as a learner (promote it afterwards). @default false */
  learner?: boolean;
  /**
   * Registers the new member with the cluster (the member-add call), given
   * its peer URL; e.g. `(urls) => client.cluster.addMember(urls, { learner: true })`.
   * @default a member-add call through etcd's HTTP gateway
   */
  register?: (peerURLs: string[]) => Promise<unknown>;
}

/**
 * The name {@link AddTestMemberOptions} had before it was told apart from
 * `etcdkit`'s `AddMemberOptions`; kept so code written against it compiles.
 * @deprecated Use {@link AddTestMemberOptions}.
 */
export type AddMemberOptions = AddTestMemberOptions;

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

/**
 * A running throwaway etcd. `stop()` it when done (or use `await using`). A local etcd is also
 * killed, and its data directory removed, when the process ends without `stop()` (uncaught
 * throw, `process.exit()`, or SIGTERM/SIGINT when the program has no handler of its own).
 */
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
  /**
   * Starts a new member process joining the running cluster (local binary
   * only): registers it (the member-add call), then starts etcd with
   * `--initial-cluster-state existing`, and waits until it answers. It is
   * appended to `members` and `endpoints`, so `kill`, `restart` and `stop`
   * cover it.
   */
  addMember(options?: AddTestMemberOptions): Promise<EtcdMember>;
  /**
   * Cuts member `member` (by index) off from its peers while clients can still
   * reach it: a network partition. Its peer traffic goes through a loopback
   * proxy per member, which drops every link to and from it. Local clusters of
   * more than one member only; others reject.
   * @example
   * ```ts
   * const etcd = await startEtcd({ members: 3 });
   * const follower = ((await etcd.leader()) + 1) % 3;
   * await etcd.partition(follower);
   * // ... the follower loses the leader; the other two carry on ...
   * await etcd.heal();
   * ```
   */
  partition(member: number): Promise<void>;
  /** Ends every partition made with {@link EtcdHandle.partition}; members reconnect by themselves. */
  heal(): Promise<void>;
  /**
   * Freezes one member (by index), or every member when none is given, with
   * SIGSTOP: its process keeps its sockets open but answers nothing, as a
   * member stalled by a long GC pause, a full disk or an overloaded host does
   * (clients see no reset, only silence). Local binary only; others reject.
   * Resolves once every thread of the member is stopped (read from /proc on
   * Linux: a request sent right after it gets no answer). Rejects, pausing
   * nothing, when a member it would pause is not running.
   * @example
   * ```ts
   * await etcd.pause(leader); // the others elect a new leader after the election timeout
   * await etcd.resume(leader);
   * ```
   */
  pause(member?: number): Promise<void>;
  /** Lets paused members run again (SIGCONT). Idempotent. */
  resume(member?: number): Promise<void>;
}
