import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Etcd3 } from 'etcd3';
import { Client, Config } from '../src/index.js';

/**
 * Endpoints of the shared etcd started by the global setup for this worker: the files running at the same
 * time each have their own (VITEST_POOL_ID, from 1 to maxWorkers, tells the workers apart).
 */
export function endpoints(): string[] {
  const all = inject('etcdEndpoints');
  const worker = Number(process.env.VITEST_POOL_ID ?? '1');
  return all[(worker - 1) % all.length]!;
}

/** A Config for the shared etcd. */
export function testConfig(): Config {
  return Config.defaults().withEndpoints(...endpoints());
}

/** A key prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `/test/${name}-${randomBytes(4).toString('hex')}/`;
}

/** A client of the shared etcd, namespaced under a fresh prefix unless `config` is given. */
export function connect(config: Config = testConfig()): Promise<Client> {
  return Client.connect(config);
}

/** A plain etcd3 client of the shared etcd, for checking what is really stored. */
export function rawEtcd(hosts: string[] = endpoints()): Etcd3 {
  return new Etcd3({ hosts });
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Revokes a lease behind the client's back, as another process, an operator or a partition would. */
export async function revokeFromOutside(id: string): Promise<void> {
  const raw = rawEtcd();
  try {
    await raw.leaseClient.leaseRevoke({ ID: BigInt(`0x${id}`).toString() });
  } finally {
    raw.close();
  }
}

/** The error `promise` rejects with; throws if it fulfils instead. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}
