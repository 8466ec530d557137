import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { markdown, textTable } from '../bench/lib/report.js';
import type { BenchResults, ScenarioResult, SideResult } from '../bench/lib/results.js';
import { checks, rotation } from '../bench/lib/runner.js';
import { scenarios } from '../bench/scenarios/index.js';

const run = promisify(execFile);

// Figures are not checked against targets here: on a shared machine they are noise.
// This checks that the harness runs end to end and reports every scenario. Two short
// rounds (--rounds 2 --duration 150, both documented options) do that as well as the
// quick run's three of 400 ms: every scenario still runs on every side, in more than one
// order, and each round is counted below.
const QUICKER = ['--rounds', '2', '--duration', '150'];
describe('npm run bench -- --quick', () => {
  it('runs every scenario on both sides and writes the results as JSON', { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'etcdkit-bench-'));
    try {
      const file = join(dir, 'results.json');
      // A throwaway etcd of its own, never the suite's shared one.
      const env = { ...process.env, ETCD_ENDPOINTS: '' };
      await run('npm', ['run', 'bench', '--', '--quick', ...QUICKER, '--json', file], {
        env,
        timeout: 230_000,
        maxBuffer: 1 << 24,
      });
      const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
      expect(results.quick).toBe(true);
      expect(results.scenarios.map((s) => s.name)).toEqual(scenarios.map((s) => s.name));
      for (const s of results.scenarios) {
        for (const side of [s.etcdkit, s.raw]) {
          expect(side.median, `${s.name}`).toBeGreaterThan(0);
          expect(side.samples.length, `${s.name}`).toBe(s.rounds);
          expect(
            side.samples.every((v) => v > 0 && Number.isFinite(v)),
            `${s.name}`,
          ).toBe(true);
        }
        expect(s.ratio).toBeGreaterThan(0);
        expect(s.cpuRatio, s.name).toBeGreaterThan(0);
        // A scenario with a floor side reports it, with every round, and both sides against it.
        const floorSide = scenarios.find((x) => x.name === s.name)?.floor !== undefined;
        expect(s.floor !== undefined, `${s.name} floor`).toBe(floorSide);
        if (s.floor) {
          expect(s.floor.samples.length, s.name).toBe(s.rounds);
          expect(s.floor.median, s.name).toBeGreaterThan(0);
          expect(s.floor.cpuMicros, s.name).toBeGreaterThan(0);
          for (const v of [s.vsFloor!.etcdkit, s.vsFloor!.raw]) {
            expect(v.rate, s.name).toBeGreaterThan(0);
            expect(v.cpu, s.name).toBeGreaterThan(0);
          }
        }
        for (const name of Object.keys(s.figures ?? {})) {
          for (const side of [s.etcdkit, s.raw])
            expect(side.figures?.[name]?.median, `${s.name} ${name}`).toBeGreaterThanOrEqual(0);
        }
      }
      for (const name of ['put-1k-c1', 'put-1k-c64', 'get-1k-c1', 'get-1k-c64'])
        expect(results.scenarios.find((s) => s.name === name)?.floor, name).toBeDefined();
      const iterate = results.scenarios.find((s) => s.name === 'iterate-100k')!;
      expect(iterate.etcdkit.peakMiB?.median).toBeGreaterThan(0);
      expect(iterate.raw.peakMiB?.median).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const sideOf = (median: number, cpuMicros: number): SideResult => ({ median, samples: [median], cpuMicros });

/** A result as the harness wrote it before the floor side existed (no cpuRatio, floor or vsFloor). */
const before: ScenarioResult = {
  name: 'get-1k-c64',
  title: 'get, 1 KiB values, concurrency 64',
  unit: 'ops/s',
  labels: { etcdkit: 'etcdkit', raw: 'etcd3' },
  rounds: 1,
  etcdkit: sideOf(900, 300),
  raw: sideOf(1000, 250),
  ratio: 0.9,
  pairedRatio: 0.9,
  targets: [{ target: '≥ 1× etcd3', met: false, figure: '0.90×' }],
};

const resultsOf = (...scenarioResults: ScenarioResult[]): BenchResults => ({
  version: 1,
  date: '2026-01-01T00:00:00.000Z',
  quick: true,
  command: 'npm run bench -- --quick',
  seconds: 1,
  machine: { cpu: 'cpu', cores: 2, memoryGiB: 4, os: 'Linux', node: 'v20', loadAverage: 0 },
  etcd: { source: 'binary', version: '3.4.23' },
  scenarios: scenarioResults,
});

// bench/README.md tells how to run these by hand: each must run, and print its figures.
describe('the scripts bench/README.md runs by hand', () => {
  it('per-call.ts prints client CPU per call of the three sides', { timeout: 120_000 }, async () => {
    const env = { ...process.env, ETCD_ENDPOINTS: '' };
    const { stdout } = await run('npx', ['tsx', 'bench/per-call.ts', 'get', '4', '100'], { env, timeout: 110_000 });
    expect(stdout).toMatch(/etcdkit [\d.]+, raw [\d.]+, floor [\d.]+/);
  });

  it('otel-floor.ts prints the SDK alone against the plugin', { timeout: 120_000 }, async () => {
    const { stdout } = await run('npx', ['tsx', 'bench/otel-floor.ts', '2000'], { timeout: 110_000 });
    expect(stdout).toMatch(/SDK alone [\d.]+, etcdkit plugin [\d.]+/);
    expect(stdout).toMatch(/etcdkit's share: -?[\d.]+ µs per call/);
  });
});

describe('bench reports', () => {
  it('render results written before the floor side existed, without a floor section', () => {
    const page = markdown(resultsOf(before));
    expect(page).toContain('`get-1k-c64`');
    expect(page).not.toContain('bare grpc-js');
    expect(page).not.toContain('undefined');
    expect(page).not.toContain('NaN');
    expect(textTable(resultsOf(before))).toContain('1.20×'); // the CPU ratio, computed: 300 / 250
  });

  it('render the floor side: its rate, CPU per op and both sides against it', () => {
    const floor = sideOf(1200, 200);
    const withFloor: ScenarioResult = {
      ...before,
      labels: { ...before.labels, floor: 'grpc-js' },
      cpuRatio: 1.2,
      floor,
      vsFloor: { etcdkit: { rate: 0.75, cpu: 1.5, paired: 0.75 }, raw: { rate: 0.83, cpu: 1.25, paired: 0.83 } },
    };
    const page = markdown(resultsOf(withFloor));
    expect(page).toContain('### Against the floor: bare grpc-js');
    expect(page).toContain(
      '| `get-1k-c64` | 900 / 1,000 / 1,200 ops/s | **0.75×** | 0.83× | 300 / 250 / 200 | 1.20× | **1.50×** | 1.25× |',
    );
    expect(page).toContain('grpc-js: 1,200');
    expect(page).not.toContain('undefined');
    const table = textTable(resultsOf(withFloor));
    expect(table).toContain('0.75× / 0.83×');
    expect(table).toContain('1.50× / 1.25×');
  });

  it('check a CPU-per-op target and report it met or missed', () => {
    const scenario = { unit: 'ops/s', targets: { minRatio: 1, maxCpuRatio: 1 } };
    const missed = checks(scenario, sideOf(1000, 300), sideOf(1000, 250));
    expect(missed).toEqual([
      { target: '≥ 1× etcd3', met: true, figure: '1.00×' },
      { target: 'client CPU per op ≤ 1× etcd3', met: false, figure: '1.20×' },
    ]);
    expect(checks(scenario, sideOf(1000, 240), sideOf(1000, 250))[1]).toMatchObject({ met: true, figure: '0.96×' });
  });

  it('rotate the order of the sides so each goes first as often', () => {
    const sides = ['etcdkit', 'raw', 'floor'];
    expect([0, 1, 2, 3].map((i) => rotation(sides, i))).toEqual([
      ['etcdkit', 'raw', 'floor'],
      ['raw', 'floor', 'etcdkit'],
      ['floor', 'etcdkit', 'raw'],
      ['etcdkit', 'raw', 'floor'],
    ]);
    expect(rotation(['etcdkit', 'raw'], 1)).toEqual(['raw', 'etcdkit']);
  });
});
