import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ChannelCredentials } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { Config } from '../config/index.js';
import { withoutIpServerName } from './credentials.js';
import { createEtcd3 } from './etcd.js';
import { connectorFactoryOf, poolOf } from './internals.js';

// The transport relies on private parts of etcd3 and grpc-js (internals.ts).
// These checks run on real instances, created without connecting, so an
// upgrade that renames or reshapes one fails here, naming what changed,
// rather than as a puzzling failure of some call at run time.

const PINNED_ETCD3 = '1.1.2';

/** Fails with a message naming `what` unless `value` has type `type`. */
function expectShape(what: string, value: unknown, type: string): void {
  expect(typeof value, `etcd3/grpc-js internals changed: ${what} is no longer a ${type}`).toBe(type);
}

describe("etcd3's internals the transport relies on", () => {
  const etcd = createEtcd3(Config.defaults().withEndpoints('127.0.0.1:2379', 'localhost:2380').withAuth('u', 'p'));

  it('are those of the pinned etcd3 version', () => {
    const require = createRequire(import.meta.url);
    const manifest = JSON.parse(readFileSync(require.resolve('etcd3/package.json'), 'utf8')) as { version: string };
    const ours = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.version, 'the installed etcd3 is not the version the transport was checked against').toBe(
      PINNED_ETCD3,
    );
    expect(ours.dependencies.etcd3, 'package.json must pin etcd3 exactly').toBe(PINNED_ETCD3);
  });

  it('the pool: hosts, options, authenticator, exec and withConnection', () => {
    const pool = poolOf(etcd);
    expectShape('Etcd3#pool', pool, 'object');
    expect(Array.isArray(pool.hosts), 'etcd3 internals changed: pool.hosts is no longer an array').toBe(true);
    expect(pool.hosts).toHaveLength(2);
    expectShape('pool.options', pool.options, 'object');
    expect(pool.options.hosts, 'etcd3 internals changed: pool.options.hosts').toEqual([
      'http://127.0.0.1:2379',
      'http://localhost:2380',
    ]);
    expectShape('pool.exec', pool.exec, 'function');
    expectShape('pool.withConnection', pool.withConnection, 'function');
    expectShape('pool.authenticator', pool.authenticator, 'object');
    expectShape('pool.authenticator.invalidateMetadata', pool.authenticator.invalidateMetadata, 'function');
    expect(
      pool.authenticator.credentials instanceof ChannelCredentials,
      'etcd3 internals changed: pool.authenticator.credentials is no longer a grpc-js ChannelCredentials',
    ).toBe(true);
  });

  it('each host: host, channelCredentials, channelOptions, close, and a constructor taking them', () => {
    const [host] = poolOf(etcd).hosts;
    expectShape('pool.hosts[0]', host, 'object');
    expect(host!.host, 'etcd3 internals changed: Host#host is no longer the address without scheme').toBe(
      '127.0.0.1:2379',
    );
    expect(
      host!.channelCredentials instanceof ChannelCredentials,
      'etcd3 internals changed: Host#channelCredentials',
    ).toBe(true);
    expectShape('Host#channelOptions', host!.channelOptions, 'object');
    expectShape('Host#close', host!.close, 'function');
    expectShape('Host#getServiceClient', host!.getServiceClient, 'function');
    expectShape('Host#resetAllServices', host!.resetAllServices, 'function');
    expectShape("Host#getServiceClient('KV').range", host!.getServiceClient('KV').range, 'function');
    expectShape('pool.authenticator.getMetadata', poolOf(etcd).authenticator.getMetadata, 'function');
    const Host = host!.constructor as new (...args: unknown[]) => { host: string; faultHandling: unknown };
    const guard = { execute: () => Promise.resolve() };
    const made = new Host('http://10.0.0.1:2379', host!.channelCredentials, host!.channelOptions, guard);
    expect(made.host, 'etcd3 internals changed: the Host constructor').toBe('10.0.0.1:2379');
    expect(made.faultHandling, 'etcd3 internals changed: Host#faultHandling is not the policy passed').toBe(guard);
  });

  it('the service clients the streams are opened with', () => {
    expectShape('Etcd3#watchClient.watch', etcd.watchClient.watch, 'function');
    expectShape('Etcd3#leaseClient.leaseKeepAlive', etcd.leaseClient.leaseKeepAlive, 'function');
    expectShape('Etcd3#maintenance.snapshot', etcd.maintenance.snapshot, 'function');
  });

  it('a client built from plain TLS options shares one credentials object between hosts and authenticator', () => {
    const plain = new Etcd3({ hosts: ['https://127.0.0.1:2379'] });
    const pool = poolOf(plain);
    expect(pool.hosts[0]!.channelCredentials, 'etcd3 internals changed: hosts and authenticator credentials').toBe(
      pool.authenticator.credentials,
    );
    plain.close();
  });
});

describe("grpc-js' ChannelCredentials#_createSecureConnector (the IP server-name fix)", () => {
  const target = (path: string) => ({ scheme: 'dns', path });
  const connector = (credentials: ChannelCredentials, path: string) =>
    connectorFactoryOf(credentials)._createSecureConnector(target(path), {}, undefined);

  it('exists and returns a connector whose TLS options carry the server name', () => {
    const raw = ChannelCredentials.createSsl();
    expectShape(
      'ChannelCredentials#_createSecureConnector',
      connectorFactoryOf(raw)._createSecureConnector,
      'function',
    );
    const options = connector(raw, '127.0.0.1:2379').connectionOptions;
    expect(options, 'grpc-js internals changed: the secure connector has no connectionOptions').toBeTypeOf('object');
    expect(options?.servername, 'grpc-js internals changed: connectionOptions.servername').toBe('127.0.0.1');
  });

  it('drops an IP server name and keeps a host name', () => {
    const fixed = withoutIpServerName(ChannelCredentials.createSsl());
    expect(connector(fixed, '127.0.0.1:2379').connectionOptions).not.toHaveProperty('servername');
    expect(connector(fixed, '[::1]:2379').connectionOptions).not.toHaveProperty('servername');
    expect(connector(fixed, 'localhost:2379').connectionOptions?.servername).toBe('localhost');
  });
});
