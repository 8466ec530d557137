import { Client, Config } from '../../src/index.js';
import { startEtcd, type EtcdHandle, type StartEtcdOptions } from '../../src/testing/index.js';

/** An etcd of a test file's own and a client of its first member. */
export interface OwnEtcd {
  etcd: EtcdHandle;
  client: Client;
  /** The first member's endpoint, where the client connects (and its /metrics are read). */
  endpoint: string;
}

/** Starts an etcd of the file's own (by default one member no other file uses) and connects a client to it. */
export async function startOwnEtcd(options: StartEtcdOptions = { isolated: true }): Promise<OwnEtcd> {
  const etcd = await startEtcd(options);
  const endpoint = etcd.endpoints[0]!;
  const client = await Client.connect(Config.defaults().withEndpoints(endpoint)).catch(async (err: unknown) => {
    await etcd.stop();
    throw err;
  });
  return { etcd, client, endpoint };
}

/** Closes the client, then stops the etcd; either may be missing when the start failed. */
export async function stopOwnEtcd(own: Partial<OwnEtcd> | undefined): Promise<void> {
  await own?.client?.close();
  await own?.etcd?.stop();
}

/** The Config of `user` on an etcd with authentication on, every key under `namespace`. */
export function authConfig(endpoints: readonly string[], user: string, password: string, namespace: string): Config {
  return Config.defaults()
    .withEndpoints(...endpoints)
    .withAuth(user, password)
    .withNamespace(namespace);
}
