import type { EtcdHandle, StartEtcdOptions } from './types.js';

/** The image used when a container runtime is available. */
export const ETCD_IMAGE = 'quay.io/coreos/etcd:v3.5.17';

type Testcontainers = typeof import('testcontainers');

async function load(): Promise<Testcontainers | undefined> {
  try {
    return await import('testcontainers');
  } catch {
    return undefined; // not installed: users of etcdkit/testing need not have it
  }
}

/** True when testcontainers is installed and a container runtime answers within `timeoutMs`. */
export async function containerRuntimeAnswers(timeoutMs = 5000): Promise<boolean> {
  const tc = await load();
  if (!tc) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const probe = tc.getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a container can serve these options (single member, plain HTTP, no auth). */
export function containerCanServe(options: StartEtcdOptions): boolean {
  return (options.members ?? 1) === 1 && !options.tls && !options.auth && options.quotaBackendBytes === undefined;
}

/** Starts one etcd member in a container. `restart` keeps the container's data. */
export async function startContainer(options: StartEtcdOptions): Promise<EtcdHandle> {
  const tc = (await load())!;
  const started = await new tc.GenericContainer(ETCD_IMAGE)
    .withExposedPorts(2379)
    .withCommand([
      'etcd',
      '--name',
      'm0',
      '--data-dir',
      '/etcd-data',
      '--listen-client-urls',
      'http://0.0.0.0:2379',
      '--advertise-client-urls',
      'http://127.0.0.1:2379',
    ])
    .withWaitStrategy(tc.Wait.forHttp('/health', 2379).forStatusCode(200))
    .withStartupTimeout(options.startTimeoutMs ?? 60_000)
    .start();
  const endpoint = `http://${started.getHost()}:${started.getMappedPort(2379)}`;
  let stopped: Promise<void> | undefined;
  const handle: EtcdHandle = {
    endpoints: [endpoint],
    members: [{ name: 'm0', endpoint }],
    source: 'container',
    stop: () => (stopped ??= started.stop().then(() => undefined)),
    kill: async () => {
      await started.exec(['kill', '-9', '1']).catch(() => undefined);
    },
    restart: async () => {
      await started.restart();
    },
    leader: async () => 0,
    addMember: () => Promise.reject(new Error('addMember needs a local etcd binary (ETCDKIT_HARNESS=binary)')),
    partition: () => Promise.reject(new Error('partition needs a local cluster of more than one member')),
    heal: () => Promise.resolve(),
    pause: () => Promise.reject(new Error('pause needs a local etcd binary (ETCDKIT_HARNESS=binary)')),
    resume: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => handle.stop(),
  };
  return handle;
}
