/**
 * Recovery time after the leader of a 3-member cluster is SIGKILLed.
 *
 *   npx tsx bench/failover.ts [rounds] [timeoutMs]
 *
 * Starts its own 3-member loopback cluster (a local etcd binary is needed:
 * killing members is not possible on ETCD_ENDPOINTS). Each round two writers
 * run side by side, each doing sequential puts on its own keys: etcdkit (default
 * config) and raw etcd3 (its default fault handling). The leader is killed;
 * recovery is the time from the kill to the acknowledgement of the first put
 * that was sent after the kill and succeeded. Failed puts are counted, by kind.
 * Then the member is restarted and the next round begins.
 */
import { Etcd3 } from 'etcd3';
import { Client, Config, EtcdKitError } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';

const rounds = Number(process.argv[2] ?? 5);
const timeoutMs = process.argv[3] ? Number(process.argv[3]) : undefined; // etcdkit's withTimeout; default 5000
const budgetMs = 50_000;

interface Writer {
  name: string;
  put(key: string, value: string): Promise<unknown>;
}

interface Sample {
  recoveryMs: number;
  failed: number;
  ambiguous: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Puts in a loop until `stop`; reports the first success sent after `killedAt()`. */
async function writeLoop(
  w: Writer,
  round: number,
  killedAt: () => number | undefined,
  stop: () => boolean,
): Promise<Sample> {
  let failed = 0;
  let ambiguous = 0;
  let recoveryMs = NaN;
  for (let i = 0; !stop() && Number.isNaN(recoveryMs); i++) {
    const sentAt = performance.now();
    try {
      await w.put(`/bench/failover/${w.name}/${round}/${i}`, 'x');
      const kill = killedAt();
      if (kill !== undefined && sentAt >= kill) recoveryMs = performance.now() - kill;
    } catch (err) {
      if (killedAt() === undefined) throw err;
      failed++;
      if (err instanceof EtcdKitError && err.code === 'AMBIGUOUS_WRITE') ambiguous++;
    }
  }
  return { recoveryMs, failed, ambiguous };
}

async function main(): Promise<void> {
  const started = Date.now();
  const etcd = await startEtcd({ members: 3 });
  const config = Config.defaults().withEndpoints(...etcd.endpoints);
  const client = await Client.connect(timeoutMs ? config.withTimeout(timeoutMs) : config);
  const raw = new Etcd3({ hosts: etcd.endpoints });
  const writers: Writer[] = [
    { name: 'etcdkit', put: (k, v) => client.put(k, v) },
    { name: 'etcd3', put: (k, v) => raw.put(k).value(v).exec() },
  ];
  const samples = new Map<string, Sample[]>(writers.map((w) => [w.name, []]));
  try {
    for (let round = 0; round < rounds && Date.now() - started < budgetMs; round++) {
      let killedAt: number | undefined;
      const deadline = performance.now() + 15_000;
      const loops = writers.map((w) =>
        writeLoop(
          w,
          round,
          () => killedAt,
          () => performance.now() > deadline,
        ),
      );
      await new Promise((r) => setTimeout(r, 300)); // both writers in full swing
      const leader = await etcd.leader();
      killedAt = performance.now();
      await etcd.kill(leader);
      const results = await Promise.all(loops);
      for (const [i, s] of results.entries()) samples.get(writers[i]!.name)!.push(s);
      await etcd.restart(leader);
    }
  } finally {
    await client.close();
    raw.close();
    await etcd.stop();
  }
  print(samples);
}

function print(samples: Map<string, Sample[]>): void {
  const rows = [...samples].map(([name, s]) => {
    const times = s.map((x) => x.recoveryMs).filter((x) => !Number.isNaN(x));
    return {
      name,
      rounds: s.length,
      recovered: times.length,
      median: median(times),
      min: Math.min(...times),
      max: Math.max(...times),
      failed: s.reduce((a, x) => a + x.failed, 0),
      ambiguous: s.reduce((a, x) => a + x.ambiguous, 0),
    };
  });
  const base = rows.find((r) => r.name === 'etcd3')?.median ?? NaN;
  console.log(
    `\nRecovery after SIGKILL of the leader (3-member loopback cluster), ms; etcdkit timeout ${timeoutMs ?? 5000} ms`,
  );
  console.log('client   rounds  recovered  median   min      max      ratio  failed puts (ambiguous)');
  for (const r of rows) {
    const f = (x: number) => x.toFixed(0).padStart(7);
    console.log(
      `${r.name.padEnd(8)} ${String(r.rounds).padStart(6)}  ${String(r.recovered).padStart(9)} ${f(r.median)}  ${f(r.min)}  ${f(r.max)}  ${(r.median / base).toFixed(2).padStart(5)}  ${r.failed} (${r.ambiguous})`,
    );
  }
  console.log('\nPer round (etcdkit / etcd3):');
  const kit = samples.get('etcdkit')!;
  const e3 = samples.get('etcd3')!;
  for (const [i, s] of kit.entries()) {
    console.log(`  round ${i + 1}: ${s.recoveryMs.toFixed(0)} ms / ${e3[i]!.recoveryMs.toFixed(0)} ms`);
  }
}

await main();
