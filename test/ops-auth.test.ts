import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  Client,
  PermissionDeniedError,
  RoleNotFoundError,
  ServerError,
  UserNotFoundError,
  ValidationError,
} from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { runCli } from './support/cli.js';
import { authConfig } from './support/own-etcd.js';

// One member with authentication on (a root user); users and roles are made through client.auth.

const ROOT_PASSWORD = 'root-secret-1';
const ALICE_PASSWORD = 'alice-secret-2';
let etcd: EtcdHandle;
let root: Client;

const config = (user: string, password: string, namespace = '/ns/') =>
  authConfig(etcd.endpoints, user, password, namespace);

beforeAll(async () => {
  etcd = await startEtcd({ auth: { rootPassword: ROOT_PASSWORD } });
  root = await Client.connect(config('root', ROOT_PASSWORD));
}, 60_000);

afterAll(async () => {
  await root?.close();
  await etcd?.stop();
});

const cli = (args: string[]) =>
  runCli(args, { endpoints: etcd.endpoints, env: { ETCD_USERNAME: 'root', ETCD_PASSWORD: ROOT_PASSWORD } });

describe('access control', () => {
  it('a user granted readwrite on a prefix works there, is denied elsewhere, and loses access when revoked', async () => {
    expect(await root.auth.status()).toMatchObject({ enabled: true });
    await root.auth.addRole('app');
    await root.auth.grantPermission('app', { prefix: '/app/' }, 'readwrite');
    await root.auth.addUser('alice', ALICE_PASSWORD);
    await root.auth.grantRole('alice', 'app');
    expect(await root.auth.users()).toEqual(expect.arrayContaining(['alice', 'root']));
    expect(await root.auth.roles()).toEqual(expect.arrayContaining(['app', 'root']));
    // The prefix went through the namespace: shown back without it.
    expect(await root.auth.role('app')).toEqual({ name: 'app', permissions: [{ type: 'readwrite', prefix: '/app/' }] });
    expect(await root.auth.user('alice')).toEqual({ name: 'alice', roles: ['app'] });

    await using alice = await Client.connect(config('alice', ALICE_PASSWORD));
    await alice.put('/app/color', 'blue');
    expect(await alice.getString('/app/color')).toBe('blue');
    await expect(alice.put('/other/color', 'red')).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(alice.get('/other/color')).rejects.toBeInstanceOf(PermissionDeniedError);
    // Outside the namespace the same key is another key: denied.
    await using bare = await Client.connect(config('alice', ALICE_PASSWORD, ''));
    await expect(bare.put('/app/color', 'red')).rejects.toBeInstanceOf(PermissionDeniedError);

    await root.auth.revokePermission('app', { prefix: '/app/' });
    expect((await root.auth.role('app')).permissions).toEqual([]);
    await expect(alice.put('/app/color', 'green')).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(alice.get('/app/color')).rejects.toBeInstanceOf(PermissionDeniedError);

    await root.auth.grantPermission('app', { key: '/app/color' }, 'read');
    expect(await alice.getString('/app/color')).toBe('blue');
    await expect(alice.put('/app/color', 'green')).rejects.toBeInstanceOf(PermissionDeniedError);
    await root.auth.revokeRole('alice', 'app');
    await expect(alice.get('/app/color')).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('a role or user that does not exist is refused with a typed error naming it', async () => {
    const missingRole = await root.auth
      .grantPermission('no-such-role', { prefix: '/app/' }, 'read')
      .catch((e: unknown) => e);
    expect(missingRole).toBeInstanceOf(RoleNotFoundError);
    expect(missingRole).toBeInstanceOf(ServerError); // as before, with the same code
    expect(missingRole).toMatchObject({ name: 'RoleNotFoundError', code: 'SERVER_ERROR', role: 'no-such-role' });
    expect((missingRole as Error).message).toContain('role "no-such-role" does not exist');
    await expect(root.auth.role('no-such-role')).rejects.toBeInstanceOf(RoleNotFoundError);
    await expect(root.auth.deleteRole('no-such-role')).rejects.toBeInstanceOf(RoleNotFoundError);
    const missingUser = await root.auth.user('no-such-user').catch((e: unknown) => e);
    expect(missingUser).toBeInstanceOf(UserNotFoundError);
    expect(missingUser).toMatchObject({ name: 'UserNotFoundError', code: 'SERVER_ERROR', user: 'no-such-user' });
    await expect(root.auth.grantRole('no-such-user', 'root')).rejects.toMatchObject({ user: 'no-such-user' });
  });

  it('refuses bad input before sending, keeps passwords out of errors, and changes passwords', async () => {
    await expect(root.auth.addUser('bob', '')).rejects.toBeInstanceOf(ValidationError);
    await expect(root.auth.grantPermission('app', { prefix: '/x/' }, 'all' as never)).rejects.toBeInstanceOf(
      ValidationError,
    );
    const again = await root.auth.addUser('alice', 'another-secret-3').catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ServerError);
    expect((again as Error).message).toContain('user name already exists');
    expect(JSON.stringify(again, Object.getOwnPropertyNames(again)) + String((again as Error).stack)).not.toContain(
      'another-secret-3',
    );

    await root.auth.changePassword('alice', 'new-secret-4');
    await expect(Client.connect(config('alice', ALICE_PASSWORD))).rejects.toBeInstanceOf(AuthError);
    const renewed = await Client.connect(config('alice', 'new-secret-4'));
    await renewed.close();
    await root.auth.deleteUser('alice');
    expect(await root.auth.users()).not.toContain('alice');
  });

  it('the CLI manages users and roles', async () => {
    expect((await cli(['role', 'add', 'ops'])).code).toBe(0);
    expect((await cli(['role', 'grant-permission', 'ops', 'read', '/ops/', '--prefix'])).code).toBe(0);
    const role = await cli(['role', 'get', 'ops', '--json']);
    expect(JSON.parse(role.stdout)).toEqual({ name: 'ops', permissions: [{ type: 'read', prefix: '/ops/' }] });
    const added = await cli(['user', 'add', 'carol', '--new-password', 'carol-secret-5']);
    expect(added.code).toBe(0);
    expect(added.stdout + added.stderr).not.toContain('carol-secret-5');
    expect((await cli(['user', 'grant-role', 'carol', 'ops'])).code).toBe(0);
    expect(JSON.parse((await cli(['user', 'get', 'carol', '--json'])).stdout)).toEqual({
      name: 'carol',
      roles: ['ops'],
    });
    expect(JSON.parse((await cli(['auth', 'status', '--json'])).stdout)).toMatchObject({ enabled: true });
    const missing = await cli(['user', 'delete', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('SERVER_ERROR');
  });
});
