/**
 * One side of the iterate scenario, alone in its own process so that its
 * peak memory is its own: `tsx iterate-child.ts <etcdkit|raw> <endpoints> <prefix>`.
 * Prints one JSON line: { work, seconds, peakMiB }.
 */
import { Etcd3 } from 'etcd3';
import { Client, Config } from '../../src/index.js';

const [side, endpoints = '', prefix = ''] = process.argv.slice(2);
const hosts = endpoints.split(',');
const MiB = 1024 * 1024;

// etcd3 cannot read a large prefix at all without raising grpc-js's 4 MiB receive limit.
const rawOptions = { hosts, grpcOptions: { 'grpc.max_receive_message_length': -1 } };

async function viaEtcdkit(client: Client): Promise<number> {
  let n = 0;
  let bytes = 0;
  for await (const kv of client.iterate(prefix)) {
    n++;
    bytes += kv.value.length;
  }
  return bytes > 0 ? n : 0;
}

async function viaRaw(raw: Etcd3): Promise<number> {
  const all = await raw.getAll().prefix(prefix).buffers();
  let n = 0;
  let bytes = 0;
  for (const key in all) {
    n++;
    bytes += all[key]!.length;
  }
  return bytes > 0 ? n : 0;
}

async function main(): Promise<void> {
  const client = side === 'etcdkit' ? await Client.connect(Config.defaults().withEndpoints(...hosts)) : undefined;
  const raw = side === 'raw' ? new Etcd3(rawOptions) : undefined;
  // Warm the connection and the code paths on a tiny read before the baseline.
  if (client) await client.count(prefix);
  if (raw) await raw.getAll().prefix(prefix).limit(10).buffers();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().rss;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let sampled = baseline;
  const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 2);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const work = client ? await viaEtcdkit(client) : await viaRaw(raw!);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  sampled = Math.max(sampled, process.memoryUsage().rss);
  // The kernel's high-water mark is exact, but only tells something when it rose during the run.
  const maxAfter = process.resourceUsage().maxRSS * 1024;
  const peak = maxAfter > maxBefore ? Math.max(maxAfter, sampled) : sampled;
  process.stdout.write(
    `${JSON.stringify({ work, seconds, peakMiB: (peak - baseline) / MiB, cpuSeconds: (used.user + used.system) / 1e6 })}\n`,
  );
  await client?.close();
  raw?.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
