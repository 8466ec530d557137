/**
 * Client CPU per call of etcdkit, raw etcd3 and the bare grpc-js floor, in
 * one process, interleaved (the order rotates each round), from
 * `process.cpuUsage`: a finer look at the per-call cost than the timed
 * scenarios give, since CPU time is the process's own whatever else runs.
 *   npx tsx bench/per-call.ts [get|put] [concurrency] [calls per round]
 */
import { Etcd3 } from 'etcd3';
import { Client, Config } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';
import { openFloor } from './lib/floor.js';

const [op = 'get', c = '1', n = '3000'] = process.argv.slice(2);
const concurrency = Number(c);
const calls = Number(n);
const VALUE = Buffer.alloc(1024, 7);
const KEYS = 1000;
const key = (i: number) => `/etcdkit-per-call/k${i % KEYS}`;

const etcd = await startEtcd({ isolated: true });
const etcdkit = await Client.connect(
  Config.defaults()
    .withEndpoints(...etcd.endpoints)
    .withReadBatching(false),
);
const raw = new Etcd3({ hosts: [...etcd.endpoints] });
const floor = openFloor(etcd.endpoints);

type Side = (k: string) => Promise<unknown>;
const sides: Record<string, Side> =
  op === 'put'
    ? {
        etcdkit: (k) => etcdkit.put(k, VALUE),
        raw: (k) => raw.put(k).value(VALUE).exec(),
        floor: (k) => floor.put(k, VALUE),
      }
    : { etcdkit: (k) => etcdkit.get(k), raw: (k) => raw.get(k).buffer(), floor: (k) => floor.get(k) };

async function round(side: Side, total: number): Promise<number> {
  let i = 0;
  const before = process.cpuUsage();
  const worker = async () => {
    while (i < total) await side(key(i++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / total;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  for (let i = 0; i < KEYS; i++) await etcdkit.put(key(i), VALUE);
  const names = Object.keys(sides);
  for (const name of names) await round(sides[name]!, 500); // warm-up
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((s) => [s, []]));
  for (let r = 0; r < 5; r++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + r) % names.length]!;
      cpu[name]!.push(await round(sides[name]!, calls));
    }
  }
  const m = Object.fromEntries(names.map((s) => [s, median(cpu[s]!)])) as Record<string, number>;
  console.log(
    `${op} c=${concurrency}, µs of client CPU per call (median of 5 rounds of ${calls}): ` +
      names.map((s) => `${s} ${m[s]!.toFixed(1)}`).join(', '),
  );
  console.log(
    `etcdkit / raw ${(m.etcdkit! / m.raw!).toFixed(3)}, etcdkit / floor ${(m.etcdkit! / m.floor!).toFixed(3)}, raw / floor ${(m.raw! / m.floor!).toFixed(3)}`,
  );
} finally {
  await etcdkit.deletePrefix('/etcdkit-per-call/');
  await etcdkit.close();
  raw.close();
  floor.close();
  await etcd.stop();
}
