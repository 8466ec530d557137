import type { CallOptions as GrpcCallOptions } from '@grpc/grpc-js';
import type { Core } from '../core/core.js';
import type { CallKind, CallOptions } from '../core/call.js';
import { revision } from '../core/ids.js';
import { randomBytes } from 'node:crypto';
import { AuthError, PermissionDeniedError, ServerError, ValidationError } from '../errors/index.js';
import { SINCE } from '../core/server.js';
import { prefixEnd } from '../keys/range.js';
import { show } from '../config/show.js';

/** What a permission covers: one key, or every key under a prefix (both in the client's namespace). */
export type PermissionTarget =
  | {
      /** One key. */
      readonly key: string;
    }
  | {
      /** Every key that starts with this prefix. */
      readonly prefix: string;
    };

/** A user and the roles granted to it ({@link AuthAdmin.user}). */
export interface UserInfo {
  /** The user name. */
  readonly name: string;
  /** The roles granted to the user. */
  readonly roles: readonly string[];
}

/** A role and its permissions ({@link AuthAdmin.role}). */
export interface RoleInfo {
  /** The role name. */
  readonly name: string;
  /** What the role may read and write. */
  readonly permissions: readonly RolePermission[];
}

/** What a permission allows. */
export type PermissionType = 'read' | 'write' | 'readwrite';

/** One permission of a role ({@link AuthAdmin.role}). */
export interface RolePermission {
  /** What it allows. */
  readonly type: PermissionType;
  /** A single key (set when the permission covers one key). */
  readonly key?: string;
  /** A prefix (set when the permission covers every key under it). */
  readonly prefix?: string;
  /** For any other range: its end (exclusive), with `key` as its start. */
  readonly rangeEnd?: string;
}

/** Whether authentication is on ({@link AuthAdmin.status}). */
export interface AuthStatus {
  /** True when etcd requires authentication. */
  readonly enabled: boolean;
  /** Grows with every change to users, roles or permissions; absent on etcd before 3.5 (no AuthStatus call). */
  readonly authRevision?: number;
}

const PERM_WIRE: Readonly<Record<PermissionType, number>> = { read: 0, write: 1, readwrite: 2 };
const PERM_NAME: Readonly<Record<string, PermissionType>> = { READ: 'read', WRITE: 'write', READWRITE: 'readwrite' };

/**
 * Users, roles and permissions, and turning authentication on and off
 * (etcd's Auth API, as `etcdctl user|role|auth`). Keys and prefixes in
 * permissions go through the client's namespace like every other key.
 * Passwords never appear in errors or logs.
 *
 * Reach it as `client.auth`. On a partitioned client it acts on the default
 * partition's cluster; use `client.partition(prefix).auth` for another.
 *
 * @example
 * ```ts
 * await client.auth.addRole('app');
 * await client.auth.grantPermission('app', { prefix: '/app/' }, 'readwrite');
 * await client.auth.addUser('app', secret);
 * await client.auth.grantRole('app', 'app');
 * ```
 */
export class AuthAdmin {
  readonly #core: Core;

  /** @internal Made by the client (`client.auth`). */
  constructor(core: Core) {
    this.#core = core;
  }

  /**
   * Whether authentication is enabled, and (etcd 3.5 and later, for root) the auth store's revision.
   * Any user may ask: where etcd refuses AuthStatus to a user without the root role (3.5, 3.6),
   * the refusal itself says authentication is on, and `authRevision` is absent.
   * @example `if (!(await client.auth.status()).enabled) warn('etcd accepts anyone');`
   */
  async status(options?: CallOptions): Promise<AuthStatus> {
    if (this.#core.server.has(SINCE.authStatus) === false) return { enabled: await this.#enabledBefore35(options) };
    try {
      const res = await this.#run('read', 'auth status', (g) => this.#core.rpc.auth.authStatus(g), options);
      return { enabled: res.enabled === true, authRevision: revision(res.authRevision ?? 0) };
    } catch (err) {
      // 3.5 and 3.6 answer AuthStatus to root only: a refusal says authentication is on.
      if (err instanceof PermissionDeniedError) return { enabled: true };
      if (!(err instanceof ServerError && err.message.includes('UNIMPLEMENTED'))) throw err;
      return { enabled: await this.#enabledBefore35(options) };
    }
  }

  // etcd before 3.5 has no AuthStatus. Its Authenticate tells: with
  // authentication off it answers "authentication is not enabled"; with it
  // on, made-up credentials are refused.
  async #enabledBefore35(options?: CallOptions): Promise<boolean> {
    const req = { name: 'etcdkit-auth-status-probe', password: randomBytes(16).toString('hex') };
    try {
      await this.#run('read', 'auth status', (g) => this.#core.rpc.auth.authenticate(req, g), options);
      return true;
    } catch (err) {
      if (err instanceof AuthError) return true;
      if (err instanceof ServerError && err.message.includes('authentication is not enabled')) return false;
      throw err;
    }
  }

  /**
   * Turns authentication on. etcd requires a `root` user holding the `root` role first.
   * A client without credentials is refused from then on ({@link AuthError}).
   * @throws {@link ServerError} with etcd's reason, e.g. the root user does not exist.
   */
  async enable(options?: CallOptions): Promise<void> {
    await this.#run('write', 'auth enable', (g) => this.#core.rpc.auth.authEnable(g), options);
  }

  /** Turns authentication off (only root may). */
  async disable(options?: CallOptions): Promise<void> {
    await this.#run('write', 'auth disable', (g) => this.#core.rpc.auth.authDisable(g), options);
  }

  /** The user names. */
  async users(options?: CallOptions): Promise<string[]> {
    return (await this.#run('read', 'user list', (g) => this.#core.rpc.auth.userList(g), options)).users ?? [];
  }

  /** The roles granted to user `name`. @throws {@link UserNotFoundError} when the user does not exist. */
  async user(name: string, options?: CallOptions): Promise<UserInfo> {
    const res = await this.#run(
      'read',
      'user get',
      (g) => this.#core.rpc.auth.userGet({ name: check(name, 'user') }, g),
      options,
      { user: name },
    );
    return { name, roles: res.roles ?? [] };
  }

  /**
   * Creates a user. The password is sent to etcd only, never into an error or log.
   * @example `await client.auth.addUser('app', process.env.APP_PASSWORD!);`
   * @throws {@link ValidationError} for an empty name or password.
   * @throws {@link ServerError} when the user already exists.
   */
  async addUser(name: string, password: string, options?: CallOptions): Promise<void> {
    const req = { name: check(name, 'user'), password: checkPassword(password) };
    await this.#run('write', 'user add', (g) => this.#core.rpc.auth.userAdd(req, g), options);
  }

  /** Deletes a user. @throws {@link UserNotFoundError} when the user does not exist. */
  async deleteUser(name: string, options?: CallOptions): Promise<void> {
    await this.#run(
      'write',
      'user delete',
      (g) => this.#core.rpc.auth.userDelete({ name: check(name, 'user') }, g),
      options,
      { user: name },
    );
  }

  /** Sets a user's password. @throws {@link ValidationError} for an empty password. */
  async changePassword(name: string, password: string, options?: CallOptions): Promise<void> {
    const req = { name: check(name, 'user'), password: checkPassword(password) };
    await this.#run('write', 'user passwd', (g) => this.#core.rpc.auth.userChangePassword(req, g), options, {
      user: name,
    });
  }

  /** The role names. */
  async roles(options?: CallOptions): Promise<string[]> {
    return (await this.#run('read', 'role list', (g) => this.#core.rpc.auth.roleList(g), options)).roles ?? [];
  }

  /** The permissions of role `name`, keys shown without the client's namespace. */
  async role(name: string, options?: CallOptions): Promise<RoleInfo> {
    const res = await this.#run(
      'read',
      'role get',
      (g) => this.#core.rpc.auth.roleGet({ role: check(name, 'role') }, g),
      options,
      { role: name },
    );
    return { name, permissions: (res.perm ?? []).map((p) => this.#permission(p)) };
  }

  /** Creates a role (with no permissions). @throws {@link ServerError} when it already exists. */
  async addRole(name: string, options?: CallOptions): Promise<void> {
    await this.#run('write', 'role add', (g) => this.#core.rpc.auth.roleAdd({ name: check(name, 'role') }, g), options);
  }

  /** Deletes a role. @throws {@link RoleNotFoundError} when the role does not exist. */
  async deleteRole(name: string, options?: CallOptions): Promise<void> {
    await this.#run(
      'write',
      'role delete',
      (g) => this.#core.rpc.auth.roleDelete({ role: check(name, 'role') }, g),
      options,
      { role: name },
    );
  }

  /** Grants `role` to `user`. @throws {@link RoleNotFoundError} or {@link UserNotFoundError} when one does not exist. */
  async grantRole(user: string, role: string, options?: CallOptions): Promise<void> {
    const req = { user: check(user, 'user'), role: check(role, 'role') };
    await this.#run('write', 'user grant-role', (g) => this.#core.rpc.auth.userGrantRole(req, g), options, {
      user,
      role,
    });
  }

  /** Takes `role` away from `user`. */
  async revokeRole(user: string, role: string, options?: CallOptions): Promise<void> {
    const req = { name: check(user, 'user'), role: check(role, 'role') };
    await this.#run('write', 'user revoke-role', (g) => this.#core.rpc.auth.userRevokeRole(req, g), options, {
      user,
      role,
    });
  }

  /**
   * Lets `role` read, write or both on one key or every key under a prefix.
   * @example `await client.auth.grantPermission('app', { prefix: '/app/' }, 'readwrite');`
   * @throws {@link ValidationError} for an empty key, or a type other than `read`, `write`, `readwrite`.
   * @throws {@link RoleNotFoundError} when the role does not exist (add it with {@link AuthAdmin.addRole} first).
   */
  async grantPermission(
    role: string,
    target: PermissionTarget,
    type: PermissionType,
    options?: CallOptions,
  ): Promise<void> {
    if (!(type in PERM_WIRE))
      throw new ValidationError(`permission type must be 'read', 'write' or 'readwrite', got ${JSON.stringify(type)}`);
    const { key, rangeEnd } = this.#range(target);
    const req = { name: check(role, 'role'), perm: { permType: PERM_WIRE[type], key, range_end: rangeEnd } };
    await this.#run(
      'write',
      'role grant-permission',
      (g) => this.#core.rpc.auth.roleGrantPermission(req as never, g),
      options,
      { role },
    );
  }

  /** Removes the permission of `role` on exactly this key or prefix. @throws {@link ServerError} when the role has no such permission. */
  async revokePermission(role: string, target: PermissionTarget, options?: CallOptions): Promise<void> {
    const { key, rangeEnd } = this.#range(target);
    const req = { role: check(role, 'role'), key, range_end: rangeEnd };
    await this.#run(
      'write',
      'role revoke-permission',
      (g) => this.#core.rpc.auth.roleRevokePermission(req, g),
      options,
      { role },
    );
  }

  #range(target: PermissionTarget): { key: Buffer; rangeEnd: Buffer } {
    // `in` on a string or a number would throw a raw TypeError.
    if (target === null || typeof target !== 'object') {
      throw new ValidationError(`permission target must be { key } or { prefix }, got ${show(target)}`);
    }
    if ('key' in target) return { key: this.#core.keys.encode(target.key), rangeEnd: Buffer.alloc(0) };
    if ('prefix' in target) {
      const r = this.#core.keys.prefixRange(target.prefix, true);
      return { key: r.key, rangeEnd: r.rangeEnd };
    }
    throw new ValidationError('permission target must be { key } or { prefix }');
  }

  #permission(p: { permType: string | number; key: Buffer; range_end: Buffer }): RolePermission {
    const type = PERM_NAME[String(p.permType).toUpperCase()] ?? 'read';
    const key = this.#core.keys.decode(p.key);
    if (!p.range_end || p.range_end.length === 0) return { type, key };
    if (prefixEnd(p.key).equals(p.range_end)) return { type, prefix: key };
    return { type, key, rangeEnd: this.#core.keys.decode(p.range_end) };
  }

  // Auth changes are writes: not repeated once sent; etcd's refusals are definite errors.
  // `names` are the role and user the call names, for RoleNotFoundError and UserNotFoundError.
  #run<T>(
    kind: CallKind,
    op: string,
    attempt: (g: GrpcCallOptions) => Promise<T>,
    options?: CallOptions,
    names: { role?: string; user?: string } = {},
  ): Promise<T> {
    return this.#core.caller.run(kind, { op, ...names }, attempt, options);
  }
}

function check(name: unknown, what: 'user' | 'role'): string {
  if (typeof name !== 'string' || name.length === 0)
    throw new ValidationError(`${what} name must be a non-empty string`);
  return name;
}

// The value is never echoed: a password must not reach a message.
function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length === 0)
    throw new ValidationError('password must be a non-empty string');
  return password;
}
