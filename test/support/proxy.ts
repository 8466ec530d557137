import { type FaultProxy as TestingProxy, startFaultProxy } from '../../src/testing/index.js';

/**
 * The lost-reply proxy the resilience tests use: etcdkit/testing's fault
 * proxy, under the names those tests were written with.
 */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the client instead of the real endpoint. */
  readonly endpoint: string;
  /** Requests forwarded so far. */
  readonly requests: number;
  /** Connections cut (replies dropped) so far. */
  readonly cuts: number;
  /** Cut the connection after forwarding each of the next `n` requests. */
  cutNext(n?: number): void;
  /** Cut after each forwarded request for which `decide(requestNumber)` is true, from now on (`undefined` stops it). */
  cutWhen(decide: ((request: number) => boolean) | undefined): void;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (`http://host:port`) on a free loopback port. */
export async function startProxy(target: string): Promise<FaultProxy> {
  const proxy: TestingProxy = await startFaultProxy(target);
  return {
    endpoint: proxy.endpoint,
    get requests() {
      return proxy.requests;
    },
    get cuts() {
      return proxy.droppedReplies;
    },
    cutNext: (n) => proxy.dropNextReplies(n),
    cutWhen: (decide) => proxy.dropRepliesWhen(decide),
    close: () => proxy.close(),
  };
}
