import type { EtcdHandle } from '../../src/testing/index.js';

/**
 * Runs `fn` with the (first) member of `etcd` paused (SIGSTOP: it keeps its
 * connections and answers nothing), resuming it however `fn` ends. The
 * harness pauses the process it started itself, never one found by its
 * port (another etcd on the machine may have held that port before).
 */
export async function whileStalled<T>(etcd: EtcdHandle, fn: () => Promise<T>): Promise<T> {
  await etcd.pause(0);
  try {
    return await fn();
  } finally {
    await etcd.resume(0);
  }
}
