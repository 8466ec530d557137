import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BenchContext, Measurement, Round, Scenario } from '../scenario.js';

type Side = 'etcdkit' | 'raw';

/** Sum of the samples of `name` (with all of `labels`) on etcd's /metrics. */
async function metric(endpoint: string, name: string, ...labels: string[]): Promise<number> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    if (labels.every((l) => line.includes(l))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const watchStreams = (ep: string) => metric(ep, 'etcd_debugging_mvcc_watch_stream_total');
async function keepAliveStreams(ep: string): Promise<number> {
  const method = 'grpc_method="LeaseKeepAlive"';
  return (
    (await metric(ep, 'grpc_server_started_total', method)) - (await metric(ep, 'grpc_server_handled_total', method))
  );
}

// A full collection before each reading, so heap growth is what the watches hold (the bench runs without --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const memory = () => {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await sleep(5);
  }
}

/** Opens one watch per key; returns their closers. `onEvent` is called for each put. */
async function watchKeys(
  side: Side,
  ctx: BenchContext,
  keys: string[],
  onEvent: () => void,
): Promise<Array<() => Promise<unknown>>> {
  if (side === 'etcdkit') {
    const watches = await Promise.all(keys.map((k) => ctx.etcdkit.watch(k, { callback: onEvent })));
    return watches.map((w) => () => w.close());
  }
  const watchers = await Promise.all(keys.map((k) => ctx.raw.watch().key(k).create()));
  for (const w of watchers) w.on('put', onEvent);
  return watchers.map((w) => () => w.cancel());
}

/**
 * 10,000 watches of one key each on one client: creation time, memory per
 * watch, server watch streams, and events/s when every key is written once
 * (transactions of 100 puts, written with etcd3 for both sides).
 */
async function manyWatches(side: Side, round: Round): Promise<Measurement> {
  const { ctx } = round;
  const n = ctx.quick ? 1000 : 10_000;
  const ep = ctx.endpoints[0]!;
  const keys = Array.from({ length: n }, (_, i) => `${ctx.prefix}${side}/${round.index + 1}/${i}`);
  const streamsBefore = await watchStreams(ep);
  const before = memory();
  let seen = 0;
  const t0 = performance.now();
  const closers = await watchKeys(side, ctx, keys, () => void seen++);
  const createMs = performance.now() - t0;
  const after = memory();
  const streams = (await watchStreams(ep)) - streamsBefore;
  const value = Buffer.alloc(64, 'x');
  const start = performance.now();
  for (let i = 0; i < n; i += 100) {
    const success = keys.slice(i, i + 100).map((k) => ({ request_put: { key: Buffer.from(k), value } }));
    await ctx.raw.kv.txn({ compare: [], success, failure: [] });
  }
  await until(() => seen >= n, 120_000, `only ${seen} of ${n} events arrived`);
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(closers.map((c) => c()));
  return {
    work: n,
    seconds,
    figures: {
      createMs,
      // Growth can read negative when the other side's garbage is collected meanwhile: that is noise, not a saving.
      heapPerWatchKiB: Math.max(0, after.heap - before.heap) / 1024 / n,
      rssPerWatchKiB: Math.max(0, after.rss - before.rss) / 1024 / n,
      serverStreams: streams,
    },
  };
}

export const watch10kKeys: Scenario = {
  name: 'watch-10k-keys',
  title: 'watch: 10,000 one-key watches on one client, each key written once (events/s)',
  unit: 'events/s',
  labels: { etcdkit: 'etcdkit watches (shared streams)', raw: 'etcd3 watchers (one stream)' },
  figures: {
    createMs: 'time to create all watches, ms',
    heapPerWatchKiB: 'client heap per watch, KiB',
    rssPerWatchKiB: 'client RSS per watch, KiB',
    serverStreams: 'server watch streams',
  },
  targets: { minRatio: 1.0, maxEtcdkitFigure: { serverStreams: 8 }, maxFigureRatio: { heapPerWatchKiB: 1 } },
  rounds: { full: 1, quick: 1 },
  noWarmup: true,
  etcdkit: (round) => manyWatches('etcdkit', round),
  raw: (round) => manyWatches('raw', round),
};

/** 1,000 leases kept alive by one client: keep-alive streams on the server and client RSS. */
async function manyLeases(side: Side, round: Round): Promise<Measurement> {
  const { ctx } = round;
  const n = ctx.quick ? 200 : 1000;
  const ep = ctx.endpoints[0]!;
  const streamsBefore = await keepAliveStreams(ep);
  const before = memory();
  const t0 = performance.now();
  const closers: Array<() => Promise<unknown>> = [];
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from({ length: Math.min(100, n - i) }, () => i);
    if (side === 'etcdkit') {
      const leases = await Promise.all(batch.map(() => ctx.etcdkit.lease(10)));
      for (const l of leases) {
        l.keepAlive();
        closers.push(() => l.revoke());
      }
    } else {
      // etcd3 grants lazily and keeps each lease alive on a stream of its own.
      const leases = batch.map(() => ctx.raw.lease(10));
      await Promise.all(leases.map((l) => l.grant()));
      for (const l of leases) closers.push(() => l.revoke());
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  await sleep(4_000); // a renewal of every lease (every TTL/3)
  const after = memory();
  const streams = (await keepAliveStreams(ep)) - streamsBefore;
  for (let i = 0; i < closers.length; i += 100) await Promise.all(closers.slice(i, i + 100).map((c) => c()));
  return {
    work: n,
    seconds,
    figures: { keepAliveStreams: streams, rssMiB: Math.max(0, after.rss - before.rss) / 2 ** 20 },
  };
}

export const leases1kKeepAlive: Scenario = {
  name: 'leases-1k-keepalive',
  title: 'lease: 1,000 leases kept alive by one client (grants/s)',
  unit: 'leases/s',
  labels: { etcdkit: 'etcdkit keepAlive() (one stream)', raw: 'etcd3 lease (a stream per lease)' },
  figures: { keepAliveStreams: 'server keep-alive streams', rssMiB: 'client RSS growth, MiB' },
  targets: { maxEtcdkitFigure: { keepAliveStreams: 4 } },
  rounds: { full: 1, quick: 1 },
  noWarmup: true,
  etcdkit: (round) => manyLeases('etcdkit', round),
  raw: (round) => manyLeases('raw', round),
};
