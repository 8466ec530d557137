import { percentile } from '../lib/stats.js';
import type { BenchContext, Measurement, Round, Scenario } from '../scenario.js';

type Side = 'etcdkit' | 'raw';

/** Something watching a prefix that calls `onValue` with each put's value. */
interface Watching {
  close(): Promise<void>;
}

async function watchWith(
  side: Side,
  ctx: BenchContext,
  prefix: string,
  onValue: (value: Buffer) => void,
): Promise<Watching> {
  if (side === 'etcdkit') return ctx.etcdkit.watchPrefix(prefix, { callback: (ev) => onValue(ev.value) });
  const watcher = await ctx.raw.watch().prefix(prefix).create();
  watcher.on('put', (kv) => onValue(kv.value));
  return { close: () => watcher.cancel() };
}

/** Resolves once `tick` has been called `n` times, or rejects after `ms`. */
function counter(n: number, ms: number): { tick(): void; done: Promise<void> } {
  let seen = 0;
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const done = new Promise<void>((ok, fail) => ((resolve = ok), (reject = fail)));
  const timer = setTimeout(() => reject(new Error(`only ${seen} of ${n} events arrived within ${ms} ms`)), ms);
  return {
    tick: () => {
      if (++seen === n) {
        clearTimeout(timer);
        resolve();
      }
    },
    done,
  };
}

const BURST_OPS = 100; // puts per transaction: one revision, one watch response of 100 events
const BURST_WRITERS = 8;

/**
 * A burst of transactions of 100 puts (8 in flight), written with etcd3 for
 * both sides; events/s from the first write to the last event delivered.
 */
async function burst(side: Side, round: Round): Promise<Measurement> {
  const { ctx } = round;
  // 400 transactions (40,000 events, about half a second a side): 100 made rounds of 0.13 s, too short to
  // tell the sides apart from the noise of the moment (1.03x and 0.96x in two runs of the same code).
  const txns = round.index < 0 || ctx.quick ? 30 : 400;
  const prefix = `${ctx.prefix}${side}/${round.index + 1}/`;
  const all = counter(txns * BURST_OPS, 60_000);
  const watching = await watchWith(side, ctx, prefix, () => all.tick());
  const value = Buffer.alloc(64, 'x');
  const start = process.hrtime.bigint();
  let next = 0;
  const writer = async () => {
    for (let t = next++; t < txns; t = next++) {
      const success = Array.from({ length: BURST_OPS }, (_, j) => ({
        request_put: { key: Buffer.from(`${prefix}${t}/${j}`), value },
      }));
      await ctx.raw.kv.txn({ compare: [], success, failure: [] });
    }
  };
  try {
    await Promise.all(Array.from({ length: BURST_WRITERS }, writer));
    await all.done;
    return { work: txns * BURST_OPS, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
  } finally {
    await watching.close();
  }
}

export const watchEvents: Scenario = {
  name: 'watch-events',
  title: 'watch: events/s one prefix watch delivers from a burst of 100-put txns',
  unit: 'events/s',
  labels: { etcdkit: 'etcdkit watch', raw: 'etcd3 watcher' },
  targets: {
    minRatio: 1,
    maxCpuRatio: 1,
    whenMissed:
      "etcdkit turns each event into a typed WatchEvent (key decoded, revisions as numbers, value through the codec) and tracks the revision to resume from; on a busy 2-core machine the client's CPU bounds the rate: compare the client CPU per event.",
  },
  etcdkit: (round) => burst('etcdkit', round),
  raw: (round) => burst('raw', round),
};

const RATE = 1000; // events per second offered
const TICK_MS = 2;

/**
 * Puts paced at 1,000/s (an open loop: a batch every 2 ms, never waiting for
 * earlier puts), written with etcd3's raw KV client for both sides, over 100 keys; latency is
 * the event's arrival minus its put's start.
 */
async function paced(side: Side, round: Round): Promise<Measurement> {
  const { ctx } = round;
  const n = Math.max(100, Math.round((round.durationMs / 1000) * RATE));
  const prefix = `${ctx.prefix}${side}/${round.index + 1}/`;
  const started = new Float64Array(n);
  const latency = new Float64Array(n);
  let seen = 0;
  const all = counter(n, 60_000);
  const watching = await watchWith(side, ctx, prefix, (value) => {
    const i = Number(value.toString());
    latency[seen++] = performance.now() - started[i]!;
    all.tick();
  });
  const puts: Promise<unknown>[] = [];
  const begin = performance.now();
  try {
    for (let i = 0; i < n; ) {
      const due = Math.min(n, Math.floor(((performance.now() - begin) * RATE) / 1000) + 1);
      for (; i < due; i++) {
        started[i] = performance.now();
        puts.push(ctx.raw.kv.put({ key: Buffer.from(`${prefix}${i % 100}`), value: Buffer.from(String(i)) }));
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    await Promise.all(puts);
    await all.done;
  } finally {
    await watching.close();
  }
  const seconds = (performance.now() - begin) / 1000;
  latency.sort();
  return { work: n, seconds, figures: { p50: percentile(latency, 50), p99: percentile(latency, 99) } };
}

export const watchLatency: Scenario = {
  name: 'watch-latency',
  title: 'watch: put-to-event latency at 1,000 puts/s (rate: events/s delivered)',
  unit: 'events/s',
  labels: { etcdkit: 'etcdkit watch', raw: 'etcd3 watcher' },
  figures: { p50: 'put-to-event p50, ms', p99: 'put-to-event p99, ms' },
  targets: {
    maxEtcdkitFigure: { p99: 5 },
    whenMissed:
      'The latency includes the put itself (the server fsyncs before the event exists): compare with the raw watcher in the same run, which pays the same.',
  },
  etcdkit: (round) => paced('etcdkit', round),
  raw: (round) => paced('raw', round),
};
