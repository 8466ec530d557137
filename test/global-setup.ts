import type { TestProject } from 'vitest/node';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    etcdEndpoints: string[];
  }
}

let etcd: EtcdHandle | undefined;

/** One etcd for the whole run; tests that need their own (TLS, auth, faults) start it themselves. */
export async function setup(project: TestProject): Promise<void> {
  etcd = await startEtcd();
  project.provide('etcdEndpoints', etcd.endpoints);
}

export async function teardown(): Promise<void> {
  await etcd?.stop();
}
