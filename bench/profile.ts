/**
 * Runs one side of one scenario for a while, for a CPU profile:
 *   node --cpu-prof --cpu-prof-dir=.tmp/prof --import tsx bench/profile.ts get-1k-c1 etcdkit|raw|floor [seconds]
 *   npx tsx bench/profile.ts --summary .tmp/prof/<file>.cpuprofile
 * The summary lists where the samples landed (self time), grouped by function and by package.
 */
import { readFile } from 'node:fs/promises';
import { Etcd3 } from 'etcd3';
import { Client, Config } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';
import { openFloor } from './lib/floor.js';
import { scenarios } from './scenarios/index.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

function area(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.includes('/src/')) return `etcdkit ${url.slice(url.indexOf('/src/') + 1)}`;
  if (url.includes('/bench/')) return 'bench';
  return url === '' ? '(native/gc/idle)' : url.startsWith('node:') ? url : 'other';
}

async function summary(file: string): Promise<void> {
  const { nodes } = JSON.parse(await readFile(file, 'utf8')) as { nodes: ProfileNode[] };
  const total = nodes.reduce((n, x) => n + x.hitCount, 0);
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const n of nodes) {
    const where = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
    add(byFn, where, n.hitCount);
    add(byArea, area(n.callFrame.url), n.hitCount);
  }
  const top = (map: Map<string, number>, k: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  const share = (test: (area: string) => boolean) =>
    ((100 * [...byArea].filter(([a]) => test(a)).reduce((n, [, k]) => n + k, 0)) / total).toFixed(1);
  const busy = share((a) => a !== '(native/gc/idle)');
  const own = share((a) => a.startsWith('etcdkit '));
  const wrapped = share((a) => a === 'etcd3' || a === 'cockatiel' || a === 'node:internal/async_hooks');
  console.log(
    `${total} samples; outside idle/gc ${busy}%; etcdkit's own code ${own}%; etcd3 + cockatiel + promise hooks ${wrapped}%`,
  );
  console.log(`\nby package/file:\n${top(byArea, 20)}\n\nby function (self):\n${top(byFn, 40)}`);
}

type Side = 'etcdkit' | 'raw' | 'floor';

async function profile(name: string, side: Side, seconds: number): Promise<void> {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const run = side === 'floor' ? scenario.floor : scenario[side];
  if (!run) throw new Error(`${name} has no ${side} side`);
  const etcd = await startEtcd();
  const etcdkit = await Client.connect(
    Config.defaults()
      .withEndpoints(...etcd.endpoints)
      .withReadBatching(false),
  );
  const raw = new Etcd3({ hosts: etcd.endpoints, grpcOptions: { 'grpc.max_receive_message_length': -1 } });
  const floor = openFloor(etcd.endpoints);
  const ctx = { etcdkit, raw, floor, endpoints: etcd.endpoints, prefix: `/etcdkit-profile/${name}/`, quick: false };
  try {
    await scenario.setup?.(ctx);
    const m = await run({ index: 0, durationMs: seconds * 1000, ctx });
    console.log(`${name} ${side}: ${(m.work / m.seconds).toFixed(0)} ${scenario.unit}`);
    await scenario.teardown?.(ctx);
    await etcdkit.deletePrefix(ctx.prefix);
  } finally {
    await etcdkit.close();
    raw.close();
    floor.close();
    await etcd.stop();
  }
}

const [a, b, c] = process.argv.slice(2);
const main = a === '--summary' ? summary(b!) : profile(a!, (b ?? 'etcdkit') as Side, Number(c ?? 10));
main.catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
