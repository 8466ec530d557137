import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Etcd3 } from 'etcd3';
import { AuthError, Client, Config, ConnectionError, PermissionDeniedError } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { runTs } from './process.js';

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

describe('TLS endpoints as reported and dialled', () => {
  let etcd: EtcdHandle;
  beforeAll(async () => {
    etcd = await startEtcd({ tls: true, clientCertAuth: true });
  });
  afterAll(() => etcd.stop());
  const hostPort = () => etcd.endpoints[0]!.replace(/^https:\/\//, '');

  it('reports host:port endpoints as https:// in config, toJSON and status()', async () => {
    const { ca, cert, key } = etcd.tls!;
    const config = Config.defaults().withEndpoints(hostPort()).withTLS({ ca, cert, key });
    expect(config.endpoints).toEqual([`https://${hostPort()}`]);
    expect(config.toJSON().endpoints).toEqual([`https://${hostPort()}`]);
    await using client = await Client.connect(config);
    expect((await client.status())[0]!.endpoint).toBe(`https://${hostPort()}`);
    expect(() => config.withEndpoints(`http://${hostPort()}`)).toThrow(/TLS is configured/);
  });

  it('the CLI shows https:// and Node prints no DEP0123 (server name set to an IP) on stderr', async () => {
    const { ca, cert, key } = etcd.tls!;
    const res = await runTs('src/cli/main.ts', [
      'status',
      '--endpoints',
      hostPort(),
      '--cacert',
      ca,
      '--cert',
      cert,
      '--key',
      key,
    ]);
    expect(res.stderr).not.toContain('DEP0123');
    expect(res.stderr).not.toContain('DeprecationWarning');
    expect(res.stdout).toContain(`https://${hostPort()}`);
    expect(res.stdout).not.toContain('http://');
    expect(res.code).toBe(0);
  });

  it('a key that is not the certificate’s is a ConfigError naming the fields, not an OpenSSL error', () => {
    const { ca, cert } = etcd.tls!;
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const err = (() => {
      try {
        return Config.defaults().withTLS({ ca, cert, key: other });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', field: 'tls.key' });
    expect((err as Error).message).toContain("does not match 'tls.cert'");
  });

  it('the CLI never prints a private key given to --key or ETCD_KEY that is not PEM, even with --verbose', async () => {
    const { cert } = etcd.tls!;
    const secret = readFileSync(etcd.tls!.key).toString('base64');
    for (const [args, env] of [
      [['--key', secret], {}],
      [[], { ETCD_KEY: secret }],
    ] as const) {
      const res = await runTs(
        'src/cli/main.ts',
        ['status', '--verbose', '--endpoints', hostPort(), '--cert', cert, ...args],
        { ...env, ETCD_CERT: cert },
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain("'tls.key'");
      expect(res.stderr + res.stdout).not.toContain(secret.slice(40, 80));
      expect(res.stderr.length).toBeLessThan(400);
    }
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
