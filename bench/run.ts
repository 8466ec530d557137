/**
 * The benchmark harness: `npm run bench [-- --quick] [--json file] [--only a,b]`.
 * See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Etcd3 } from 'etcd3';
import { Client, Config } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { renderChart } from './lib/chart.js';
import { openFloor } from './lib/floor.js';
import { describeMachine } from './lib/machine.js';
import { markdown, textTable } from './lib/report.js';
import type { BenchResults, ScenarioResult } from './lib/results.js';
import { runScenario, type RunPlan } from './lib/runner.js';
import type { BenchContext, Scenario } from './scenario.js';
import { scenarios } from './scenarios/index.js';

const USAGE = `usage: npm run bench -- [--quick] [--json <file>] [--only <name,...>] [--rounds <n>] [--duration <ms>] [--no-docs] [--render <file>] [--list]
  --quick      CI-sized run (about a minute)
  --json       write the results as JSON to <file>
  --only       run only these scenarios (comma-separated names or prefixes, e.g. put,get-1k-c64)
  --rounds     timed rounds per scenario (default 7, quick 3; a scenario may set its own)
  --duration   length of a time-bounded round in ms (default 1500, quick 400)
  --no-docs    do not rewrite docs/benchmarks.md and docs/benchmarks.svg (a full run of every scenario does by default)
  --render     rewrite the docs page from a results file written by --json, without running anything
  --list       print the scenario names and exit
Uses the etcd in ETCD_ENDPOINTS when set, else starts a throwaway one.`;

const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../docs');

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      only: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      render: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick === true;
  const plan: RunPlan = {
    rounds: values.rounds ? Number(values.rounds) : quick ? 3 : 7,
    durationMs: values.duration ? Number(values.duration) : quick ? 400 : 1500,
    warmupMs: quick ? 200 : 500,
  };
  if (!(plan.rounds > 0 && plan.durationMs > 0)) throw new Error(`--rounds and --duration must be positive\n${USAGE}`);
  return { ...values, quick, plan };
}

function select(only: string | undefined): readonly Scenario[] {
  if (!only) return scenarios;
  const wanted = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const picked = scenarios.filter((s) => wanted.some((w) => s.name === w || s.name.startsWith(w)));
  if (picked.length === 0)
    throw new Error(`--only ${only} matches no scenario; known: ${scenarios.map((s) => s.name).join(', ')}`);
  return picked;
}

/** The etcd in ETCD_ENDPOINTS, else a throwaway one of our own (never the test suite's shared one). */
// The throwaway etcd gets room for the whole run (the 64 KiB scenarios alone write gigabytes of history);
// it is also compacted after each scenario, so freed pages are reused. A cluster of the user's is left as is.
function etcdServer(): Promise<EtcdHandle> {
  return process.env.ETCD_ENDPOINTS ? startEtcd() : startEtcd({ isolated: true, quotaBackendBytes: 8 * 2 ** 30 });
}

async function writeDocs(results: BenchResults): Promise<void> {
  await mkdir(docsDir, { recursive: true });
  const caption = `${results.machine.cpu}, ${results.machine.cores} cores; etcd ${results.etcd.version}; ${results.date.slice(0, 10)}`;
  await writeFile(resolve(docsDir, 'benchmarks.svg'), renderChart(results.scenarios, caption));
  await writeFile(resolve(docsDir, 'benchmarks.md'), markdown(results));
  console.log(`wrote ${resolve(docsDir, 'benchmarks.md')} and benchmarks.svg`);
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.help) return console.log(USAGE);
  if (opts.render) return writeDocs(JSON.parse(await readFile(opts.render, 'utf8')) as BenchResults);
  if (opts.list) return console.log(scenarios.map((s) => `${s.name}  ${s.title}`).join('\n'));
  const chosen = select(opts.only);
  const started = performance.now();
  const machine = describeMachine();
  const etcd = await etcdServer();
  const etcdkit = await Client.connect(
    Config.defaults()
      .withEndpoints(...etcd.endpoints)
      .withReadBatching(false),
  );
  const raw = new Etcd3({ hosts: etcd.endpoints, grpcOptions: { 'grpc.max_receive_message_length': -1 } });
  const floor = openFloor(etcd.endpoints);
  const runId = randomBytes(3).toString('hex');
  const done: ScenarioResult[] = [];
  let compacted = 0;
  try {
    const version = (await etcdkit.status())[0]?.version ?? 'unknown';
    console.log(
      `etcd ${version} (${etcd.source}) at ${etcd.endpoints.join(',')}; ${chosen.length} scenarios${opts.quick ? ', quick' : ''}`,
    );
    for (const scenario of chosen) {
      const prefix = `/etcdkit-bench/${runId}/${scenario.name}/`;
      const ctx: BenchContext = { etcdkit, raw, floor, endpoints: etcd.endpoints, prefix, quick: opts.quick };
      const t0 = performance.now();
      try {
        done.push(await runScenario(scenario, ctx, opts.plan));
      } finally {
        await etcdkit.deletePrefix(prefix);
        if (!process.env.ETCD_ENDPOINTS) {
          const now = await etcdkit.revision();
          if (now > compacted) await etcdkit.compact((compacted = now));
        }
      }
      console.log(`  ${scenario.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const command = `npm run bench${opts.quick ? ' -- --quick' : ''}`;
    const results: BenchResults = {
      version: 1,
      date: new Date().toISOString(),
      quick: opts.quick,
      command,
      seconds: (performance.now() - started) / 1000,
      machine,
      etcd: { source: etcd.source, version },
      scenarios: done,
    };
    console.log(`\n${textTable(results)}\n`);
    if (opts.json) {
      await writeFile(opts.json, `${JSON.stringify(results, null, 2)}\n`);
      console.log(`wrote ${opts.json}`);
    }
    const full = !opts.quick && !opts.only && !opts.rounds && !opts.duration;
    if (full && !opts['no-docs']) await writeDocs(results);
  } finally {
    await etcdkit.close();
    raw.close();
    floor.close();
    await etcd.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
