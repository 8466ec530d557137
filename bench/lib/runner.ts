import type { BenchContext, Measurement, Round, Scenario } from '../scenario.js';
import type { ScenarioResult, SideResult, TargetCheck } from './results.js';
import { fmt, median } from './stats.js';

/** How long each round runs and how many rounds there are. */
export interface RunPlan {
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

const DEFAULT_LABELS = { etcdkit: 'etcdkit', raw: 'etcd3' } as const;

function figures(names: readonly string[], measurements: Measurement[]): SideResult['figures'] {
  if (names.length === 0) return undefined;
  const out: Record<string, { median: number; samples: number[] }> = {};
  for (const name of names) {
    const samples = measurements.map((m) => m.figures?.[name] ?? Number.NaN);
    out[name] = { median: median(samples), samples };
  }
  return out;
}

function side(scenario: Scenario, measurements: Measurement[]): SideResult {
  const samples = measurements.map((m) => m.work / m.seconds);
  const peaks = measurements.map((m) => m.peakMiB).filter((p): p is number => p !== undefined);
  const cpu = measurements.map((m) => ((m.cpuSeconds ?? Number.NaN) * 1e6) / m.work);
  const extra = figures(Object.keys(scenario.figures ?? {}), measurements);
  const result: SideResult = {
    median: median(samples),
    samples,
    cpuMicros: median(cpu),
    ...(extra ? { figures: extra } : {}),
  };
  return peaks.length > 0 ? { ...result, peakMiB: { median: median(peaks), samples: peaks } } : result;
}

function checks(scenario: Scenario, etcdkit: SideResult, ratio: number): TargetCheck[] {
  const out: TargetCheck[] = [];
  const t = scenario.targets ?? {};
  if (t.minRatio !== undefined) {
    out.push({
      target: `≥ ${t.minRatio}× ${scenario.labels?.raw ?? DEFAULT_LABELS.raw}`,
      met: ratio >= t.minRatio,
      figure: `${fmt(ratio)}×`,
    });
  }
  if (t.maxEtcdkitPeakMiB !== undefined) {
    const peak = etcdkit.peakMiB?.median ?? Number.NaN;
    out.push({
      target: `peak memory growth < ${t.maxEtcdkitPeakMiB} MiB`,
      met: peak < t.maxEtcdkitPeakMiB,
      figure: `${fmt(peak)} MiB`,
    });
  }
  if (t.minEtcdkitRate !== undefined) {
    const label = scenario.labels?.etcdkit ?? DEFAULT_LABELS.etcdkit;
    out.push({
      target: `${label} ≥ ${fmt(t.minEtcdkitRate)} ${scenario.unit}`,
      met: etcdkit.median >= t.minEtcdkitRate,
      figure: `${fmt(etcdkit.median)} ${scenario.unit}`,
    });
  }
  for (const [name, max] of Object.entries(t.maxEtcdkitFigure ?? {})) {
    const value = etcdkit.figures?.[name]?.median ?? Number.NaN;
    out.push({ target: `${scenario.figures?.[name] ?? name} < ${fmt(max)}`, met: value < max, figure: fmt(value) });
  }
  return out;
}

/** Adds the process's CPU time during `run` unless the side reported its own. */
async function measured(run: () => Promise<Measurement>): Promise<Measurement> {
  const before = process.cpuUsage();
  const m = await run();
  const used = process.cpuUsage(before);
  return m.cpuSeconds === undefined ? { ...m, cpuSeconds: (used.user + used.system) / 1e6 } : m;
}

/**
 * Runs one scenario: an untimed warm-up of each side, then `rounds` rounds
 * of both sides, alternating which goes first so neither always runs on a
 * warmer (or more fragmented) process.
 */
export async function runScenario(scenario: Scenario, ctx: BenchContext, plan: RunPlan): Promise<ScenarioResult> {
  const rounds = scenario.rounds ? (ctx.quick ? scenario.rounds.quick : scenario.rounds.full) : plan.rounds;
  const sides = { etcdkit: [] as Measurement[], raw: [] as Measurement[] };
  await scenario.setup?.(ctx);
  try {
    if (!scenario.noWarmup) {
      const warm: Round = { index: -1, durationMs: plan.warmupMs, ctx };
      await scenario.etcdkit(warm);
      await scenario.raw(warm);
    }
    for (let index = 0; index < rounds; index++) {
      const round: Round = { index, durationMs: plan.durationMs, ctx };
      const order = index % 2 === 0 ? (['etcdkit', 'raw'] as const) : (['raw', 'etcdkit'] as const);
      for (const name of order) sides[name].push(await measured(() => scenario[name](round)));
    }
  } finally {
    await scenario.teardown?.(ctx);
  }
  const etcdkit = side(scenario, sides.etcdkit);
  const raw = side(scenario, sides.raw);
  const ratio = etcdkit.median / raw.median;
  return {
    name: scenario.name,
    title: scenario.title,
    unit: scenario.unit,
    labels: scenario.labels ?? DEFAULT_LABELS,
    ...(scenario.figures ? { figures: scenario.figures } : {}),
    rounds,
    etcdkit,
    raw,
    ratio,
    pairedRatio: median(etcdkit.samples.map((v, i) => v / raw.samples[i]!)),
    targets: checks(scenario, etcdkit, ratio),
    ...(scenario.targets?.whenMissed ? { whenMissed: scenario.targets.whenMissed } : {}),
  };
}
