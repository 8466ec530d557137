import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Etcd3 } from 'etcd3';
import { AuthError, Client, Config, ConnectionError, PermissionDeniedError } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';

describe('authentication', () => {
  let etcd: EtcdHandle;
  const rootPassword = 'root-pw';

  beforeAll(async () => {
    etcd = await startEtcd({ auth: { rootPassword } });
    const admin = new Etcd3({ hosts: etcd.endpoints, auth: { username: 'root', password: rootPassword } });
    try {
      await admin.role('app').create();
      await admin.role('app').grant({ permission: 'Readwrite', range: admin.range({ prefix: '/app/' }) });
      await admin.user('alice').create('alice-pw');
      await admin.user('alice').addRole('app');
    } finally {
      admin.close();
    }
  });
  afterAll(() => etcd.stop());

  const config = () => Config.defaults().withEndpoints(...etcd.endpoints);

  it('connects and works with the right password', async () => {
    await using client = await Client.connect(config().withAuth('alice', 'alice-pw'));
    await client.put('/app/x', '1');
    expect(await client.getString('/app/x')).toBe('1');
  });

  it('a wrong password fails with AuthError (AUTH_FAILED)', async () => {
    const err = await Client.connect(config().withAuth('alice', 'wrong-pw-7731')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ code: 'AUTH_FAILED', retryable: false });
    expect((err as Error).cause).toBeDefined();
    expect((err as Error).message).toContain('check the credentials given to Config.withAuth');
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err)) + String((err as Error).stack)).not.toContain(
      'wrong-pw-7731',
    );
  });

  it('a write outside the user’s role fails with PERMISSION_DENIED and changes nothing', async () => {
    await using client = await Client.connect(config().withAuth('alice', 'alice-pw'));
    const err = await client.put('/other/x', '1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err).toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(client.get('/other/x')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await using root = await Client.connect(config().withAuth('root', rootPassword));
    expect(await root.exists('/other/x')).toBe(false);
  });

  it('no credentials on an auth-enabled etcd is refused at connect, saying to use withAuth', async () => {
    const err = await Client.connect(config()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('Config.withAuth(user, password)');
    expect((err as Error).message).not.toContain('user name is empty');
  });
});

describe('TLS and mutual TLS', () => {
  let etcd: EtcdHandle;

  beforeAll(async () => {
    etcd = await startEtcd({ tls: true, clientCertAuth: true });
  });
  afterAll(() => etcd.stop());

  const config = () =>
    Config.defaults()
      .withEndpoints(...etcd.endpoints)
      .withDialTimeout(3000);

  it('connects with the CA and a client certificate (files)', async () => {
    const tls = etcd.tls!;
    expect(etcd.endpoints[0]).toMatch(/^https:/);
    await using client = await Client.connect(config().withTLS({ ca: tls.ca, cert: tls.cert, key: tls.key }));
    await client.put('/tls/x', 'secure');
    expect(await client.getString('/tls/x')).toBe('secure');
  });

  it('a missing client certificate fails with ConnectionError listing the endpoints', async () => {
    const err = await Client.connect(config().withTLS({ ca: etcd.tls!.ca })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'CONNECTION_FAILED', endpoints: etcd.endpoints });
  });

  it('a server certificate from an unknown CA is refused unless verification is skipped', async () => {
    const { cert, key } = etcd.tls!;
    await expect(Client.connect(config().withTLS({ cert, key }))).rejects.toBeInstanceOf(ConnectionError);
    await using client = await Client.connect(config().withTLS({ cert, key, insecureSkipVerify: true }));
    expect(await client.exists('/tls/x')).toBe(true);
  });
});

describe('connection failures', () => {
  it('no endpoint answering fails with ConnectionError within the dial timeout', async () => {
    const err = await Client.connect(
      Config.defaults().withEndpoints('127.0.0.1:1', '127.0.0.1:2').withDialTimeout(1000),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).endpoints).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2']);
    expect((err as Error).message).toContain('127.0.0.1:1');
  });
});
