import type { BenchResults, ScenarioResult } from './results.js';
import { fmt } from './stats.js';

const mem = (r: ScenarioResult, side: 'etcdkit' | 'raw') => {
  const peak = r[side].peakMiB;
  return peak ? `${fmt(peak.median)} MiB` : '';
};

const cpu = (r: ScenarioResult) => `${fmt(r.etcdkit.cpuMicros)} / ${fmt(r.raw.cpuMicros)}`;

/** etcdkit's CPU per unit ÷ raw's (computed for results written before the JSON held it). */
const cpuRatio = (r: ScenarioResult) => r.cpuRatio ?? r.etcdkit.cpuMicros / r.raw.cpuMicros;

const times = (n: number | undefined) => (n === undefined ? '' : `${fmt(n)}×`);

/** Rate and CPU of etcdkit and raw, each ÷ the floor's: `etcdkit / raw`, empty without a floor. */
const vsFloor = (r: ScenarioResult, what: 'rate' | 'cpu') =>
  r.vsFloor ? `${times(r.vsFloor.etcdkit[what])} / ${times(r.vsFloor.raw[what])}` : '';

/** Each further figure as `label: etcdkit / raw`. */
const extras = (r: ScenarioResult) =>
  Object.entries(r.figures ?? {})
    .map(
      ([name, label]) => `${label}: ${fmt(r.etcdkit.figures?.[name]?.median)} / ${fmt(r.raw.figures?.[name]?.median)}`,
    )
    .join('; ');

const verdict = (r: ScenarioResult) =>
  r.targets.map((t) => `${t.met ? 'met' : 'MISSED'}: ${t.target} (${t.figure})`).join('; ');

/** The results as a plain-text table for the terminal. */
export function textTable(results: BenchResults): string {
  const head = [
    'scenario',
    'unit',
    'etcdkit',
    'raw',
    'floor',
    'ratio',
    'paired',
    'CPU µs/unit etcdkit / raw / floor',
    'CPU ratio',
    'rate ÷ floor etcdkit / raw',
    'CPU ÷ floor etcdkit / raw',
    'peak mem etcdkit / raw',
    'figures etcdkit / raw',
    'targets',
  ];
  const rows = results.scenarios.map((r) => [
    r.name,
    r.unit,
    fmt(r.etcdkit.median),
    fmt(r.raw.median),
    r.floor ? fmt(r.floor.median) : '',
    `${fmt(r.ratio)}×`,
    `${fmt(r.pairedRatio)}×`,
    r.floor ? `${cpu(r)} / ${fmt(r.floor.cpuMicros)}` : cpu(r),
    times(cpuRatio(r)),
    vsFloor(r, 'rate'),
    vsFloor(r, 'cpu'),
    r.etcdkit.peakMiB ? `${mem(r, 'etcdkit')} / ${mem(r, 'raw')}` : '',
    extras(r),
    verdict(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 && i <= 10 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function markdownTable(results: BenchResults): string {
  const rows = results.scenarios.map((r) =>
    [
      `\`${r.name}\``,
      r.title,
      `${fmt(r.etcdkit.median)} ${r.unit}`,
      `${fmt(r.raw.median)} ${r.unit}`,
      `**${fmt(r.ratio)}×**`,
      `${fmt(r.pairedRatio)}×`,
      cpu(r),
      r.targets.map((t) => `${t.met ? '✅' : '❌'} ${t.target}: ${t.figure}`).join('<br>') || '—',
    ].join(' | '),
  );
  return [
    '| scenario | what | etcdkit | raw etcd3 | ratio | paired ratio | client CPU µs per op/key, etcdkit / raw | target |',
    '|---|---|--:|--:|--:|--:|--:|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

function floorTable(results: BenchResults): string {
  const rows = results.scenarios.flatMap((r) => {
    const { floor, vsFloor: vs } = r;
    if (!floor || !vs) return [];
    const cells = [
      `\`${r.name}\``,
      `${fmt(r.etcdkit.median)} / ${fmt(r.raw.median)} / ${fmt(floor.median)} ${r.unit}`,
      `**${times(vs.etcdkit.rate)}**`,
      times(vs.raw.rate),
      `${cpu(r)} / ${fmt(floor.cpuMicros)}`,
      times(cpuRatio(r)),
      `**${times(vs.etcdkit.cpu)}**`,
      times(vs.raw.cpu),
    ];
    return [`| ${cells.join(' | ')} |`];
  });
  if (rows.length === 0) return '';
  return [
    '### Against the floor: bare grpc-js',
    '',
    "The same calls on bare `@grpc/grpc-js` (etcd3's own `rpc.proto`, `KV.Put` / `KV.Range` called directly, no",
    'interceptors, no policies), run interleaved with the other two sides: what any wrapper of grpc-js could reach.',
    '',
    '| scenario | rate etcdkit / raw / floor | etcdkit ÷ floor | raw ÷ floor | client CPU µs per op, etcdkit / raw / floor | CPU etcdkit ÷ raw | CPU etcdkit ÷ floor | CPU raw ÷ floor |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
  ].join('\n');
}

function memoryTable(results: BenchResults): string {
  const rows = results.scenarios.filter((r) => r.etcdkit.peakMiB || r.raw.peakMiB);
  if (rows.length === 0) return '';
  return [
    '### Peak memory growth',
    '',
    '| scenario | etcdkit | raw etcd3 |',
    '|---|--:|--:|',
    ...rows.map(
      (r) => `| \`${r.name}\` (${r.labels.etcdkit} / ${r.labels.raw}) | ${mem(r, 'etcdkit')} | ${mem(r, 'raw')} |`,
    ),
    '',
  ].join('\n');
}

function figuresTable(results: BenchResults): string {
  const rows = results.scenarios.flatMap((r) =>
    Object.entries(r.figures ?? {}).map(([name, label]) => {
      const [a, b] = [r.etcdkit.figures?.[name]?.median, r.raw.figures?.[name]?.median];
      const ratio = a !== undefined && b !== undefined && b !== 0 ? `${fmt(a / b)}×` : '—';
      return `| \`${r.name}\` | ${label} | ${fmt(a)} | ${fmt(b)} | ${ratio} |`;
    }),
  );
  if (rows.length === 0) return '';
  return [
    '### Further figures',
    '',
    '| scenario | figure (median of rounds) | etcdkit side | raw side | ratio |',
    '|---|---|--:|--:|--:|',
    ...rows,
    '',
  ].join('\n');
}

function targetList(results: BenchResults): string {
  const lines = results.scenarios.flatMap((r) => {
    const lastMissed = r.targets.findLastIndex((t) => !t.met);
    const why = (i: number) => (i === lastMissed && r.whenMissed ? ` ${r.whenMissed}` : '');
    return r.targets.map(
      (t, i) => `- ${t.met ? '✅ met' : '❌ missed'}: \`${r.name}\` ${t.target}: **${t.figure}**.${why(i)}`,
    );
  });
  return lines.length > 0 ? ['## Targets', '', ...lines, ''].join('\n') : '';
}

function samples(results: BenchResults): string {
  const rows = results.scenarios.map((r) => {
    const s = (xs: number[]) => xs.map((v) => fmt(v)).join(', ');
    const floor = r.floor ? `<br>${r.labels.floor ?? 'floor'}: ${s(r.floor.samples)}` : '';
    return `| \`${r.name}\` | ${r.labels.etcdkit}: ${s(r.etcdkit.samples)}<br>${r.labels.raw}: ${s(r.raw.samples)}${floor} | ${fmt(r.pairedRatio)}× |`;
  });
  return ['| scenario | each round | median of per-round ratios |', '|---|---|--:|', ...rows].join('\n');
}

const hasFloor = (results: BenchResults) => results.scenarios.some((r) => r.floor);

const floorIntro = (results: BenchResults) =>
  hasFloor(results)
    ? '\nPut and get also run on bare grpc-js: a third side, the floor any client of grpc-js stands on.'
    : '';

const floorMethod = (results: BenchResults) =>
  hasFloor(results)
    ? `- The floor (put, get and the telemetry scenarios): a bare \`@grpc/grpc-js\` client of \`etcdserverpb.KV\` on etcd3's
  own \`rpc.proto\`, loaded with etcd3's loader options, insecure, no channel options, no interceptors, no deadline; each
  \`Put\` / \`Range\` (limit 1, as etcd3's \`get()\` sends it) a callback wrapped in a promise.
`
    : '';

/** docs/benchmarks.md for a full run. */
export function markdown(results: BenchResults): string {
  const m = results.machine;
  return `---
title: Benchmarks
group: Operations
---

# Benchmarks

etcdkit against the raw \`etcd3\` client it wraps: each scenario runs both sides in the same process,
against the same etcd, interleaved over ${results.scenarios[0]?.rounds ?? 'several'} rounds (the order of the sides rotating by round),
after an untimed warm-up. Figures are medians over the rounds; the ratio is etcdkit ÷ raw (of the medians, which the
targets are judged on); the paired ratio is the median of each round's ratio, steadier when the machine's load drifts.${floorIntro(results)}

![etcdkit ÷ raw etcd3, per scenario](benchmarks.svg)

${markdownTable(results)}

${floorTable(results)}
${memoryTable(results)}
${figuresTable(results)}
${targetList(results)}
## How it was measured

- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}; 1-minute load average at the start: ${m.loadAverage.toFixed(2)}.
- etcd ${results.etcd.version} (${results.etcd.source === 'binary' ? 'a local single-member etcd on loopback, data in a temp dir' : results.etcd.source}).
- Run on ${results.date} in ${Math.round(results.seconds)} s.
- Put and get: closed loops of 1 or 64 concurrent callers for a fixed time per round, over 1,000 keys of 1 KiB; each
  round runs as 250 ms slices, the sides taking turns, so all of them sample the same background load.
- Batching (\`get-1k-c64-batched\`, \`get-1k-c64-serializable\`, \`put-1k-c64-write-batched\`): an etcdkit client of its
  own with batching on, 64 callers. Both sides are CPU-bound on a small machine, so each round runs as 250 ms slices,
  the sides taking turns, and both sample the same background load (see bench/README.md).
- Bulk load: etcdkit \`bulkPut\` of 10,000 keys of 256 B (chunks that fit \`--max-txn-ops\`, 4 in flight) against
  a sequential \`put\` loop, and against a sequential loop of hand-built 128-put transactions.
- Iterate: each side runs in a fresh child process; peak memory growth is the highest RSS seen (sampled every 2 ms and
  the kernel's high-water mark) minus the RSS just before the read. The raw side needs
  \`grpc.max_receive_message_length\` raised to read a large prefix at all. etcdkit reads pages at one pinned revision
  (1,000 keys, then about 2 MiB each), asking for the next page while the current one is consumed. RSS growth counts
  garbage not yet collected too: etcdkit's levels off as the prefix grows, the raw side's grows with the prefix.
- Count: a count-only range over 10,000 keys, one caller.
- Watch: both sides watch a prefix while the same etcd3 client writes. \`watch-events\`: a burst of 10,000 puts (100
  transactions of 100 puts, 8 in flight); events/s from the first write to the last event received.
  \`watch-latency\`: puts offered at 1,000/s (open loop, a batch every 2 ms) over 100 keys; latency is the event's
  arrival minus the start of its put, so it includes the put's commit (an fsync on the server).
- Locks: etcdkit \`newLock()\` Mutexes whose sessions are open already (as in a long-running service) against etcd3's
  \`lock()\`, which grants and revokes a lease on every acquisition and cannot wait for a held lock (its 16 contenders
  retry a failed acquire after 5 ms).
- Encryption: two etcdkit clients, one with \`withEncryption()\` (AES-256-GCM) and one without, 16 requests in flight
  over 64 keys. \`seal-64k\` / \`open-64k\` run in process without etcd: etcdkit's value codec against the same job
  written with \`node:crypto\` alone (fresh nonce, the etcd key as associated data), MB/s of plaintext.
- STM: 8 workers doing random transfers between 10 accounts for the round's duration, etcdkit \`stm()\` with
  \`isolation: 'serializable'\` against etcd3's \`stm().transact()\` with \`Isolation.Serializable\`; the balances are
  checked after each round. The conflict rate is the share of attempts that conflicted and ran again.
${floorMethod(results)}- Client CPU is the benchmark process's user + system time while one side ran, per unit of work (the child's own for
  iterate): it shows what the client costs even when a busy machine blurs the rates.
- The raw side uses etcd3's default options (its retry and circuit-breaker policies included), as users do.

Numbers from a shared or small machine are noisy: compare ratios, not absolute rates, and rerun before concluding.

Reproduce: \`${results.command}\` (add \`--json results.json\` for machine-readable results).

<details><summary>Every round</summary>

${samples(results)}

</details>
`.replace(/\n{3,}/g, '\n\n'); // sections with nothing to show leave no run of blank lines
}
