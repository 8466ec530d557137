/**
 * Watch benchmark: put-to-event latency (p50, p99) over 10,000 live events,
 * and the events per second one watch delivers during a burst of 10,000
 * events (100 transactions of 100 puts, 8 in flight), for an etcdkit Watch and
 * a raw etcd3 watcher, in interleaved rounds.
 *
 *   npx tsx bench/watch.ts            # starts its own etcd
 *   ETCD_ENDPOINTS=http://127.0.0.1:2379 npx tsx bench/watch.ts
 */
import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { Client, Config } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';

const ROUNDS = 4; // per contender, alternating
const LIVE_EVENTS = 10_000; // per contender, split over the rounds
const BURST_TXNS = 100;
const BURST_OPS = 100; // puts per transaction: one revision, one response of 100 events
const WRITERS = 4; // concurrent sequential writers of the latency rounds

type Contender = 'etcdkit' | 'etcd3';

/** Something that watches a prefix and calls `onValue` with each put's value. */
interface Watcher {
  close(): Promise<void>;
}

async function watchWith(
  who: Contender,
  client: Client,
  raw: Etcd3,
  prefix: string,
  onValue: (value: string) => void,
): Promise<Watcher> {
  if (who === 'etcdkit') {
    return client.watchPrefix(prefix, { callback: (ev) => onValue(ev.value.toString()) });
  }
  const watcher = await raw.watch().prefix(prefix).create();
  watcher.on('put', (kv) => onValue(kv.value.toString()));
  return { close: () => watcher.cancel() };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** WRITERS sequential writers; latency = event arrival - put start. */
async function liveRound(who: Contender, client: Client, raw: Etcd3, round: number, n: number): Promise<{ p50: number; p99: number }> {
  const prefix = `/bench/live/${who}/${round}/`;
  const started = new Float64Array(n);
  const latency: number[] = [];
  const all = counter(n);
  const watcher = await watchWith(who, client, raw, prefix, (value) => {
    latency.push(performance.now() - started[Number(value)]!);
    all.tick();
  });
  let next = 0;
  const writer = async () => {
    for (let i = next++; i < n; i = next++) {
      started[i] = performance.now();
      await raw.put(`${prefix}${i % 100}`).value(String(i));
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  await all.done;
  await watcher.close();
  latency.sort((a, b) => a - b);
  return { p50: percentile(latency, 50), p99: percentile(latency, 99) };
}

/** Events per second from the first write of the burst to the last event received. */
async function burstRound(who: Contender, client: Client, raw: Etcd3, round: number): Promise<number> {
  const prefix = `/bench/burst/${who}/${round}/`;
  const total = BURST_TXNS * BURST_OPS;
  const all = counter(total);
  const watcher = await watchWith(who, client, raw, prefix, () => all.tick());
  const value = Buffer.from('x'.repeat(64));
  const t0 = performance.now();
  let next = 0;
  const writer = async () => {
    for (let t = next++; t < BURST_TXNS; t = next++) {
      const success = Array.from({ length: BURST_OPS }, (_, j) => ({ request_put: { key: Buffer.from(`${prefix}${t}/${j}`), value } }));
      await raw.kv.txn({ compare: [], success, failure: [] });
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  await all.done;
  const seconds = (performance.now() - t0) / 1000;
  await watcher.close();
  return total / seconds;
}

function counter(n: number): { tick(): void; done: Promise<void> } {
  let seen = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { tick: () => void (++seen === n && resolve()), done };
}

async function main(): Promise<void> {
  let etcd: EtcdHandle | undefined;
  const endpoints = process.env.ETCD_ENDPOINTS?.split(',') ?? (etcd = await startEtcd()).endpoints;
  const client = await Client.connect(Config.defaults().withEndpoints(...endpoints));
  const raw = new Etcd3({ hosts: endpoints });
  const deadline = Date.now() + 55_000;
  try {
    const results: Record<Contender, { p50: number[]; p99: number[]; rate: number[] }> = {
      etcdkit: { p50: [], p99: [], rate: [] },
      etcd3: { p50: [], p99: [], rate: [] },
    };
    const perRound = LIVE_EVENTS / ROUNDS;
    for (let round = 0; round < ROUNDS && Date.now() < deadline; round++) {
      const order: Contender[] = round % 2 === 0 ? ['etcdkit', 'etcd3'] : ['etcd3', 'etcdkit'];
      for (const who of order) {
        const live = await liveRound(who, client, raw, round, perRound);
        results[who].p50.push(live.p50);
        results[who].p99.push(live.p99);
        results[who].rate.push(await burstRound(who, client, raw, round));
      }
    }
    const rows = [
      ['put-to-event p50 (ms)', median(results.etcdkit.p50), median(results.etcd3.p50), 2],
      ['put-to-event p99 (ms)', median(results.etcdkit.p99), median(results.etcd3.p99), 2],
      ['burst events/s (1 watch)', median(results.etcdkit.rate), median(results.etcd3.rate), 0],
    ] as const;
    const rounds = results.etcdkit.p50.length;
    console.log(`etcd ${endpoints.join(',')}; ${rounds} interleaved rounds per contender; ${rounds * perRound} live events each; burst of ${BURST_TXNS * BURST_OPS} events per round; medians of rounds`);
    console.log(`${'metric'.padEnd(28)}${'etcdkit'.padStart(12)}${'etcd3'.padStart(12)}${'ratio'.padStart(10)}`);
    for (const [name, ours, theirs, digits] of rows) {
      console.log(`${name.padEnd(28)}${ours.toFixed(digits).padStart(12)}${theirs.toFixed(digits).padStart(12)}${(ours / theirs).toFixed(2).padStart(10)}`);
    }
  } finally {
    await client.close();
    raw.close();
    await etcd?.stop();
  }
}

await main();
