import type { Core, Closeable } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { setHosts } from '../transport/index.js';
import { memberFromWire, memberToWire } from '../core/ids.js';
import { ValidationError } from '../errors/index.js';
import { members, type Member } from './cluster.js';
import { setTimeout as delay } from 'node:timers/promises';

/** How long a removal of unknown outcome is looked for in the member list, and how often. */
const CONFIRM_MS = 5_000;
const CONFIRM_POLL_MS = 200;

/** Options of {@link ClusterAdmin.addMember}. */
export interface AddMemberOptions extends CallOptions {
  /** Add the member as a learner: it receives the log but does not vote until promoted. @default false */
  learner?: boolean;
}

/** What {@link ClusterAdmin.addMember} returns. */
export interface AddedMember {
  /** The new member (its name is empty until it starts). */
  readonly member: Member;
  /** Every member after the change, the new one included. */
  readonly members: readonly Member[];
}

/**
 * Cluster membership: list, add, promote, remove and update members, and
 * follow membership changes ({@link ClusterAdmin.sync}). Member ids are hex
 * strings, as `etcdctl member list` prints them and {@link Client.members}
 * returns them.
 *
 * Reach it as `client.cluster`. On a partitioned client it acts on the default
 * partition's cluster; use `client.partition(prefix).cluster` for another.
 *
 * @example
 * ```ts
 * const { member } = await client.cluster.addMember(['http://10.0.0.4:2380'], { learner: true });
 * // start etcd on 10.0.0.4 with --initial-cluster-state existing, then:
 * await client.cluster.promoteMember(member.id);
 * ```
 */
export class ClusterAdmin {
  readonly #core: Core;

  /** @internal Made by the client (`client.cluster`). */
  constructor(core: Core) {
    this.#core = core;
  }

  /** The members of the cluster, learners included. */
  members(options?: CallOptions): Promise<Member[]> {
    return members(this.#core, options);
  }

  /**
   * Adds a member reachable at `peerURLs`. Start the new etcd afterwards with
   * `--initial-cluster-state existing` and an `--initial-cluster` listing the
   * members returned.
   * @example `await client.cluster.addMember(['http://10.0.0.4:2380'], { learner: true });`
   * @throws {@link ValidationError} for a missing or malformed peer URL, or one a member already has.
   * @throws {@link ServerError} with etcd's reason when etcd refuses (e.g. the cluster is unhealthy).
   */
  async addMember(peerURLs: readonly string[], options: AddMemberOptions = {}): Promise<AddedMember> {
    const urls = checkPeerURLs(peerURLs);
    const res = await this.#write(
      'member add',
      (grpc) => this.#core.rpc.cluster.memberAdd({ peerURLs: urls, isLearner: options.learner === true }, grpc),
      options,
    );
    return { member: toMember(res.member), members: res.members.map(toMember) };
  }

  /**
   * Makes a learner a voting member. etcd refuses while the learner has not
   * caught up with the leader's log: call again a little later.
   * @example `await client.cluster.promoteMember('8e9e05c52164694d');`
   * @throws {@link ValidationError} for a malformed or unknown member id.
   * @throws {@link ServerError} with etcd's reason, e.g. the learner is not yet in sync, or the member is no learner.
   */
  async promoteMember(id: string, options?: CallOptions): Promise<Member[]> {
    const ID = memberToWire(id);
    const res = await this.#write(
      'member promote',
      (grpc) => this.#core.rpc.cluster.memberPromote({ ID }, grpc),
      options,
    );
    return res.members.map(toMember);
  }

  /**
   * Removes a member; its etcd process then stops by itself. When the member
   * removed is the one that served the request, it may stop before its answer
   * is sent: the member list is then read from the others (for up to 5 s, as
   * a member that has not applied the change yet still lists it) and a removal
   * it confirms is a success, not an {@link AmbiguousWriteError}.
   * @example `await client.cluster.removeMember('8e9e05c52164694d');`
   * @throws {@link ValidationError} for a malformed or unknown member id.
   * @throws {@link ServerError} with etcd's reason, e.g. removing it would cost the cluster its quorum.
   */
  async removeMember(id: string, options?: CallOptions): Promise<Member[]> {
    const ID = memberToWire(id);
    const confirm = async (): Promise<{ members: Member[] } | undefined> => {
      for (const until = Date.now() + CONFIRM_MS; Date.now() < until; await delay(CONFIRM_POLL_MS)) {
        const now = await members(this.#core, { timeoutMs: options?.timeoutMs }).catch(() => undefined);
        if (now && !now.some((m) => m.id === memberFromWire(ID))) return { members: now };
      }
      return undefined;
    };
    const res = await this.#core.caller.run<{ members: Member[] }>(
      'write',
      { op: 'member remove' },
      async (grpc) => ({ members: (await this.#core.rpc.cluster.memberRemove({ ID }, grpc)).members.map(toMember) }),
      { ...options, resolveAmbiguous: confirm },
    );
    return res.members;
  }

  /**
   * Changes the peer URLs of a member (when it moves to another address).
   * @example `await client.cluster.updateMember('8e9e05c52164694d', ['http://10.0.0.5:2380']);`
   * @throws {@link ValidationError} for a malformed or unknown member id or a malformed peer URL.
   */
  async updateMember(id: string, peerURLs: readonly string[], options?: CallOptions): Promise<Member[]> {
    const ID = memberToWire(id);
    const urls = checkPeerURLs(peerURLs);
    const res = await this.#write(
      'member update',
      (grpc) => this.#core.rpc.cluster.memberUpdate({ ID, peerURLs: urls }, grpc),
      options,
    );
    return res.members.map(toMember);
  }

  /**
   * The endpoints calls are spread over: the configured ones until a
   * {@link ClusterAdmin.sync} (or the auto-sync of `Config.withAutoSync`) has
   * replaced them with the members' client URLs.
   */
  get endpoints(): readonly string[] {
    return this.#core.syncedEndpoints ?? this.#core.config.endpoints;
  }

  /**
   * Replaces the endpoint list with the client URLs of the started voting
   * members (as Go's `Client.Sync`): connections to members still listed are
   * kept, new members are used from now on, removed ones are dropped.
   * `Config.withAutoSync(ms)` runs this periodically. `status()` and
   * `health()` keep reporting the configured endpoints.
   * @example `const endpoints = await client.cluster.sync();`
   * @returns The endpoints now in use.
   */
  async sync(options?: CallOptions): Promise<readonly string[]> {
    const list = await members(this.#core, options);
    const urls = list.filter((m) => m.name !== '' && !m.isLearner).flatMap((m) => m.clientURLs);
    if (urls.length === 0) return this.endpoints;
    const guards = this.#core.caller.guards;
    setHosts(this.#core.etcd, this.#core.config, urls, (e) => {
      guards.add(e);
      return guards.policy(e);
    });
    this.#core.syncedEndpoints = Object.freeze([...urls]);
    return this.endpoints;
  }

  // Membership changes are not repeated once sent (a repeated add would add a
  // second member); etcd's refusals are definite errors.
  #write<T>(
    op: string,
    attempt: (grpc: import('@grpc/grpc-js').CallOptions) => Promise<T>,
    options?: CallOptions,
  ): Promise<T> {
    return this.#core.caller.run('write', { op }, attempt, options);
  }
}

/**
 * Starts the periodic sync of `Config.withAutoSync`; the returned handle is
 * closed with the client. A failed sync keeps the current list and is tried
 * again at the next interval.
 */
export function startAutoSync(core: Core, intervalMs: number): Closeable {
  const admin = new ClusterAdmin(core);
  let running = false;
  const timer = setInterval(() => {
    if (running || core.caller.closed) return;
    running = true;
    admin
      .sync()
      .catch(() => undefined)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  const handle = {
    close: () => {
      clearInterval(timer);
      core.resources.delete(handle);
    },
  };
  core.resources.add(handle);
  return handle;
}

function checkPeerURLs(peerURLs: readonly string[]): string[] {
  if (!Array.isArray(peerURLs) || peerURLs.length === 0) {
    throw new ValidationError('peerURLs must list at least one URL, got none');
  }
  return peerURLs.map((u) => {
    let url: URL | undefined;
    try {
      url = typeof u === 'string' ? new URL(u) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || !url.port || url.pathname !== '/') {
      throw new ValidationError(
        `peer URL must look like http://host:port or https://host:port, got ${JSON.stringify(u)}`,
      );
    }
    return u;
  });
}

interface WireMember {
  ID: string | number;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner?: boolean;
}

function toMember(m: WireMember): Member {
  return {
    id: memberFromWire(m.ID),
    name: m.name,
    peerURLs: m.peerURLs,
    clientURLs: m.clientURLs,
    isLearner: m.isLearner === true,
  };
}
