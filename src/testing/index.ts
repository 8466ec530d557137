/**
 * Throwaway etcd servers for tests, samples and your own test suites.
 *
 * @example
 * ```ts
 * import { startEtcd } from 'etcdkit/testing';
 * const etcd = await startEtcd();
 * const client = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
 * // ...
 * await etcd.stop();
 * ```
 * @module
 */
import { containerCanServe, containerRuntimeAnswers, startContainer } from './container.js';
import { enableAuth } from './auth.js';
import { binaryWorks, findEtcdBinary, startLocal } from './local.js';
import type { EtcdHandle, StartEtcdOptions } from './types.js';

export type {
  AddMemberOptions,
  AddTestMemberOptions,
  EtcdHandle,
  EtcdMember,
  EtcdSource,
  EtcdTLSFiles,
  StartEtcdOptions,
} from './types.js';
export { findEtcdBinary } from './local.js';
export { type Fault, type FaultProxy, type FaultProxyOptions, startFaultProxy } from './fault-proxy.js';
export {
  type CheckLinearizableOptions,
  checkLinearizable,
  type HistoryOperation,
  type KvCompare,
  type KvOperation,
  type KvResult,
  type KvStep,
  type LinearizabilityResult,
} from './linearizable.js';
export {
  type CheckedEvent,
  type CheckedProgress,
  type CheckWatchOptions,
  checkWatch,
  type ReceivedWatch,
  type WatchCheckResult,
  type WatchGuarantee,
  type WatchViolation,
} from './check-watch.js';

function fromEnv(endpoints: string): EtcdHandle {
  const list = endpoints
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const unsupported = (what: string) => () =>
    Promise.reject(new Error(`${what} is not possible on an etcd given by ETCD_ENDPOINTS`));
  const handle: EtcdHandle = {
    endpoints: list,
    members: list.map((endpoint, i) => ({ name: `m${i}`, endpoint })),
    source: 'env',
    stop: () => Promise.resolve(),
    kill: unsupported('kill'),
    restart: unsupported('restart'),
    leader: () => Promise.resolve(-1),
    addMember: unsupported('addMember'),
    partition: unsupported('partition'),
    heal: () => Promise.resolve(),
    pause: unsupported('pause'),
    resume: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  return handle;
}

/**
 * Starts a throwaway etcd. Picks, in order: the cluster in `ETCD_ENDPOINTS`
 * (used as is, when the options ask for nothing it cannot give: one member,
 * no TLS, no auth, not `isolated`); a container, when testcontainers is installed and a
 * container runtime answers; a local `etcd` binary (`$ETCD_BIN` or on the
 * PATH) on free loopback ports with a temp data dir.
 * Set `ETCDKIT_HARNESS` to `env`, `container` or `binary` to force one.
 *
 * @throws Error when no way to run etcd is available, saying what to install.
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdHandle> {
  const forced = process.env.ETCDKIT_HARNESS;
  const plain = containerCanServe(options);
  const env = process.env.ETCD_ENDPOINTS;
  if (env && plain && !options.isolated && (!forced || forced === 'env')) return fromEnv(env);
  if (plain && forced !== 'binary' && (forced === 'container' || (await containerRuntimeAnswers()))) {
    return startContainer(options);
  }
  const binary = findEtcdBinary();
  if (!binary || !binaryWorks(binary)) {
    throw new Error(
      'No etcd available: set ETCD_ENDPOINTS, start a container runtime, or install etcd ' +
        '(Debian/Ubuntu: sudo apt-get install etcd-server etcd-client; or set ETCD_BIN to an etcd binary).',
    );
  }
  const handle = await startLocal(binary, options);
  if (!options.auth) return handle;
  try {
    await enableAuth(handle.endpoints, handle.tls, options.auth.rootPassword);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return Object.assign(handle, { auth: { username: 'root' as const, password: options.auth.rootPassword } });
}
