import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type * as Tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Config, ConnectionError } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';

// grpc-js calls the CommonJS `tls.connect` at call time, so wrapping it here sees the options of every TLS
// connection the client (and startEtcd's auth setup) opens.
const tls = createRequire(import.meta.url)('node:tls') as typeof Tls;
const original = tls.connect;
const serverNames: (string | undefined)[] = [];

describe('TLS to an IP endpoint (Bun and Deno refuse an IP as the TLS server name)', () => {
  let etcd: EtcdHandle;

  beforeAll(async () => {
    tls.connect = ((...args: Parameters<typeof original>) => {
      const options = args.find((a): a is Tls.ConnectionOptions => typeof a === 'object' && a !== null);
      serverNames.push(options?.servername);
      return original.apply(tls, args);
    }) as typeof original;
    etcd = await startEtcd({ tls: true, clientCertAuth: true, auth: { rootPassword: 'root-pw' } });
  });
  afterAll(async () => {
    tls.connect = original;
    await etcd?.stop();
  });

  const config = () =>
    Config.defaults()
      .withEndpoints(...etcd.endpoints)
      .withAuth('root', 'root-pw')
      .withDialTimeout(3000);

  it('startEtcd and the client send no IP address as server name, and still verify the certificate', async () => {
    expect(etcd.endpoints[0]).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const { ca, cert, key } = etcd.tls!;
    await using client = await Client.connect(config().withTLS({ ca, cert, key }));
    await client.put('/sni/x', 'secure');
    expect(await client.getString('/sni/x')).toBe('secure');
    expect(serverNames.length).toBeGreaterThan(0);
    expect(serverNames.filter((name) => name !== undefined && isIP(name) !== 0)).toEqual([]);
    // Verification did not go with the server name: a server certificate from an unknown CA is still refused.
    await expect(Client.connect(config().withTLS({ cert, key }))).rejects.toBeInstanceOf(ConnectionError);
  });

  it('with verification skipped, sends no IP address as server name either', async () => {
    const { cert, key } = etcd.tls!;
    const before = serverNames.length;
    await using client = await Client.connect(config().withTLS({ cert, key, insecureSkipVerify: true }));
    expect(await client.exists('/sni/x')).toBe(true);
    const names = serverNames.slice(before);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => name !== undefined && isIP(name) !== 0)).toEqual([]);
  });
});
