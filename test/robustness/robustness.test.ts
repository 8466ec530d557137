import { describe, expect, it } from 'vitest';
import { Client, Config, type Watch } from '../../src/index.js';
import {
  checkLinearizable,
  checkWatch,
  type EtcdHandle,
  type FaultProxy,
  type HistoryOperation,
  startEtcd,
  startFaultProxy,
} from '../../src/testing/index.js';
import {
  electionWorkers,
  fencingViolations,
  leaseWatchdog,
  lockWorkers,
  observeLeaders,
  record,
  truth,
} from './observers.js';
import { type ClientFigures, KEYS, runClient, seeded } from './workload.js';

// etcd's robustness method, applied to etcdkit: a 3-member cluster, a fault in
// the middle of a run of concurrent clients (read and write batching on),
// then every history checked: operations linearizable, every watcher keeping
// the six guarantees, a mirror equal to a final read, fenced writes of two
// lock holders never interleaved, and a kept-alive lease never called alive
// by the client after the server let it go.

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const SEED = Number(process.env.ROBUSTNESS_SEED ?? Date.now() % 100_000);

interface Scenario {
  /** The member the fault hits (its index), chosen once the cluster runs. */
  target: (etcd: EtcdHandle) => Promise<number>;
  inject: (etcd: EtcdHandle, member: number, proxies: FaultProxy[]) => Promise<void>;
  heal: (etcd: EtcdHandle, member: number, proxies: FaultProxy[]) => Promise<void>;
  /** Clients go through a fault proxy per member. */
  proxied?: boolean;
}

const leader = (etcd: EtcdHandle) => etcd.leader();
const follower = async (etcd: EtcdHandle) => ((await etcd.leader()) + 1) % 3;

const SCENARIOS: Record<string, Scenario> = {
  'leader kill': { target: leader, inject: (e, m) => e.kill(m), heal: (e, m) => e.restart(m) },
  'follower kill': { target: follower, inject: (e, m) => e.kill(m), heal: (e, m) => e.restart(m) },
  'leader pause': { target: leader, inject: (e, m) => e.pause(m), heal: (e, m) => e.resume(m) },
  'leader partition': { target: leader, inject: (e, m) => e.partition(m), heal: (e) => e.heal() },
  'follower partition': { target: follower, inject: (e, m) => e.partition(m), heal: (e) => e.heal() },
  'reply drops': {
    target: leader,
    proxied: true,
    inject: async (_e, _m, proxies) => {
      for (const p of proxies) p.set({ type: 'drop-replies', probability: 0.05 });
    },
    heal: async (_e, _m, proxies) => {
      for (const p of proxies) p.set({ type: 'pass' });
    },
  },
};

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (!condition() && performance.now() < until) await sleep(50);
  return condition();
}

async function run(name: string, scenario: Scenario): Promise<void> {
  const etcd = await startEtcd({ members: 3 });
  const proxies = scenario.proxied ? await Promise.all(etcd.endpoints.map((e) => startFaultProxy(e))) : [];
  const clients: Client[] = [];
  const stop = new AbortController();
  try {
    const endpoints = scenario.proxied ? proxies.map((p) => p.endpoint) : etcd.endpoints;
    const config = Config.defaults()
      .withEndpoints(...endpoints)
      .withTimeout(3000)
      .withWriteBatching({ maxDelayMs: 2 });
    const connect = async (c: Config = config) => {
      const client = await Client.connect(c);
      clients.push(client);
      return client;
    };
    const prefix = '/rb/kv/';
    const observer = await connect(config.withWriteBatching(false));
    const start = (await observer.revision()) + 1;
    const shared = (await observer.watchPrefix(prefix, { fromRevision: start })) as Watch;
    const own = (await observer.watchPrefix(prefix, { fromRevision: start, ownStream: true })) as Watch;
    const single = await observer.watch(`${prefix}k0`, { fromRevision: start });
    const watched = {
      shared: { prefix, deliveries: record(shared) },
      ownStream: { prefix, deliveries: record(own) },
      key: { key: `${prefix}k0`, deliveries: record(single) },
    };
    const mirror = await observer.mirror(prefix);
    const member = await scenario.target(etcd);
    const leaseClient = await connect(
      Config.defaults()
        .withEndpoints(endpoints[member] as string)
        .withTimeout(2000),
    );
    const lease = (await leaseClient.lease(3)).keepAlive();
    const leaseProblems = leaseWatchdog(lease, etcd.endpoints, stop.signal, 1500);

    const history: HistoryOperation[] = [];
    const runs: Promise<ClientFigures>[] = [];
    for (let i = 0; i < 3; i++) {
      const client = await connect();
      runs.push(runClient(client, prefix, `c${i}`, seeded(SEED + i), stop.signal, history));
    }
    // One lock worker reaches only the faulted member: its session expires under the fault while the other takes over.
    const faulted = config.withEndpoints(endpoints[member] as string);
    const locks = lockWorkers([await connect(faulted), await connect()], '/rb/lock', '/rb/guard', stop.signal);
    const observing = new AbortController();
    const leaders = observeLeaders(observer, '/rb/election', observing.signal);
    const terms = electionWorkers([await connect(), await connect()], '/rb/election', stop.signal);

    await sleep(1500);
    await scenario.inject(etcd, member, proxies);
    await sleep(3000);
    await scenario.heal(etcd, member, proxies);
    await sleep(2500);
    stop.abort();
    const figures = await Promise.all(runs);
    const lockFigures = await locks;
    const electionTerms = await terms;
    observing.abort();

    // A last write that every watcher sees (k0 is under the prefix): each has caught up once it delivered it.
    const final = (await observer.put(`${prefix}k0`, 'end', { timeoutMs: 20_000 })).revision;
    const events = await truth(etcd.endpoints, prefix, start, final);
    const caughtUp = await waitFor(() => [shared, own, single].every((w) => w.revision >= final), 30_000);
    const kv = checkLinearizable(history);
    const watches = Object.entries(watched).map(([kind, w]) => ({
      kind,
      result: checkWatch({ ...w, startRevision: start }, events),
    }));
    // history() of each key, read after the run, is one more watcher (a watch of its own from `start`).
    for (const key of KEYS) {
      const versions = await observer.history(`${prefix}${key}`, { fromRevision: start });
      const deliveries = versions.map((v) => ({
        type: v.deleted ? ('delete' as const) : ('put' as const),
        key: v.key,
        modRevision: v.modRevision,
      }));
      watches.push({
        kind: `history(${key})`,
        result: checkWatch({ key: `${prefix}${key}`, startRevision: start, deliveries }, events),
      });
    }
    // An election observer reports leaders only (it may skip one that came and went): ordered, unique, and real.
    const electionEvents = await truth(etcd.endpoints, '/rb/election/', start, final);
    watches.push({
      kind: 'election observer',
      result: checkWatch({ prefix: '/rb/election/', deliveries: leaders }, electionEvents, {
        guarantees: ['ordered', 'unique'],
      }),
    });
    const real = new Set(electionEvents.filter((e) => e.type === 'put').map((e) => `${e.modRevision}:${e.key}`));
    const invented = leaders.filter((l) => !real.has(`${l.modRevision}:${l.key}`));
    await mirror.waitForRevision(final, { signal: AbortSignal.timeout(30_000) });
    const read = await observer.listWithValues(prefix);
    const mirrored = new Map([...mirror.entries()].map(([k, v]) => [k, v.value.toString()]));
    const guard = (await observer.history('/rb/guard')).filter((v) => !v.deleted).map((v) => String(v.value));
    const fencing = fencingViolations(guard);
    const leases = await leaseProblems;

    const ops = figures.reduce((n, f) => n + f.ops, 0);
    const ambiguous = figures.reduce((n, f) => n + f.ambiguous, 0);
    const failed = figures.reduce((n, f) => n + f.failed, 0);
    const checked = watches.reduce((n, w) => n + w.result.checked.events, 0);
    process.stdout.write(
      `robustness [${name}] seed=${SEED}: ${ops} operations, ${ambiguous} ambiguous, ${failed} failed; ` +
        `${kv.verdict}; ${events.length} events, ${checked} checked over ${watches.length} watchers (shared, own stream, one key, history of each key, an election observer) and a mirror; ` +
        `${lockFigures.holds} lock holds (${lockFigures.lost} lost), ${guard.length} fenced writes; ` +
        `${electionTerms} election terms, ${leaders.length} leaders observed; ` +
        `lease on the faulted member: ${lease.state}; replies dropped: ${proxies.reduce((n, p) => n + p.droppedReplies, 0)}\n`,
    );

    expect(ops).toBeGreaterThan(50);
    expect(kv.counterExample ?? kv.verdict).toBe('linearizable');
    for (const w of watches)
      expect({ kind: w.kind, violations: w.result.violations }).toEqual({ kind: w.kind, violations: [] });
    expect(caughtUp).toBe(true);
    expect(Object.fromEntries(mirrored)).toEqual(Object.fromEntries([...read].map(([k, v]) => [k, v.toString()])));
    expect(lockFigures.holds).toBeGreaterThan(1);
    expect(fencing).toEqual([]);
    expect(leaders.length).toBeGreaterThan(1);
    expect(invented).toEqual([]);
    expect(leases).toEqual([]);
  } finally {
    stop.abort();
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(proxies.map((p) => p.close()));
    await etcd.heal().catch(() => undefined);
    await etcd.resume().catch(() => undefined);
    await etcd.stop();
  }
}

describe('robustness: histories under faults', () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(`${name}: linearizable, watch guarantees kept, locks fenced, leases honest`, () => run(name, scenario), 120_000);
  }
});
