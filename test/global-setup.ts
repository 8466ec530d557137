import type { TestProject } from 'vitest/node';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The endpoints of each shared etcd, one etcd per worker (see test/helpers.ts, `endpoints()`). */
    etcdEndpoints: string[][];
  }
}

let etcds: EtcdHandle[] = [];

/**
 * One shared etcd per worker for the whole run; tests that need their own (TLS, auth, faults) start it
 * themselves. Files run several at once, and a file may count on no other writing to its etcd meanwhile
 * (revisions that follow one another, the size of the keyspace): the files a worker runs, one after another,
 * share an etcd no other running file uses. With ETCD_ENDPOINTS set they all share that cluster.
 */
export async function setup(project: TestProject): Promise<void> {
  const workers = Math.max(1, project.config.maxWorkers ?? 1);
  const started = await Promise.allSettled(Array.from({ length: workers }, () => startEtcd()));
  etcds = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  project.provide(
    'etcdEndpoints',
    etcds.map((e) => e.endpoints),
  );
}

export async function teardown(): Promise<void> {
  await Promise.all(etcds.map((e) => e.stop()));
  etcds = [];
}
