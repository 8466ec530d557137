import type { BenchContext, Measurement, Round, Scenario } from '../scenario.js';
import type { ScenarioResult, SideResult, TargetCheck, Versus } from './results.js';
import { fmt, median } from './stats.js';

/** How long each round runs and how many rounds there are. */
export interface RunPlan {
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

const DEFAULT_LABELS = { etcdkit: 'etcdkit', raw: 'etcd3' } as const;
const FLOOR_LABEL = 'grpc-js';

type SideName = 'etcdkit' | 'raw' | 'floor';

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

/** `a` against `b`: rate and CPU per unit, of the medians, and the median of the per-round rate ratios. */
export function versus(a: SideResult, b: SideResult): Versus {
  return {
    rate: a.median / b.median,
    cpu: a.cpuMicros / b.cpuMicros,
    paired: median(a.samples.map((v, i) => v / b.samples[i]!)),
  };
}

/** `ops/s` → `op`, `MB/s` → `MB`: what one unit of work is called. */
const perUnit = (unit: string) => unit.replace(/\/s$/, '').replace(/(?<=[a-z])s$/, '');

/** The scenario's targets, checked against this run's figures. */
export function checks(
  scenario: Pick<Scenario, 'targets' | 'labels' | 'unit' | 'figures'>,
  etcdkit: SideResult,
  raw: SideResult,
): TargetCheck[] {
  const out: TargetCheck[] = [];
  const t = scenario.targets ?? {};
  const rawLabel = scenario.labels?.raw ?? DEFAULT_LABELS.raw;
  const vs = versus(etcdkit, raw);
  if (t.minRatio !== undefined) {
    out.push({ target: `≥ ${t.minRatio}× ${rawLabel}`, met: vs.rate >= t.minRatio, figure: `${fmt(vs.rate)}×` });
  }
  if (t.maxCpuRatio !== undefined) {
    out.push({
      target: `client CPU per ${perUnit(scenario.unit)} ≤ ${t.maxCpuRatio}× ${rawLabel}`,
      met: vs.cpu <= t.maxCpuRatio,
      figure: `${fmt(vs.cpu)}×`,
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
    out.push({ target: `${scenario.figures?.[name] ?? name} ≤ ${fmt(max)}`, met: value <= max, figure: fmt(value) });
  }
  for (const [name, max] of Object.entries(t.maxFigureRatio ?? {})) {
    const mine = etcdkit.figures?.[name]?.median ?? Number.NaN;
    const theirs = raw.figures?.[name]?.median ?? Number.NaN;
    out.push({
      target: `${scenario.figures?.[name] ?? name} ≤ ${fmt(max)}× ${rawLabel}`,
      met: mine <= max * theirs,
      figure: `${fmt(mine)} vs ${fmt(theirs)}`,
    });
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

/** One round's measurement made of slices: work, time and CPU summed (sliced sides report no further figures). */
function summed(slices: readonly Measurement[]): Measurement {
  const sum = (f: (m: Measurement) => number) => slices.reduce((n, m) => n + f(m), 0);
  return { work: sum((m) => m.work), seconds: sum((m) => m.seconds), cpuSeconds: sum((m) => m.cpuSeconds ?? 0) };
}

/** One round of every side: in one stretch each, or (`sliceMs`) in turns of short slices, summed per side. */
async function oneRound(
  scenario: Scenario,
  names: readonly SideName[],
  round: Round,
): Promise<Map<SideName, Measurement>> {
  const run = (name: SideName, r: Round) => measured(() => (name === 'floor' ? scenario.floor!(r) : scenario[name](r)));
  const slices = scenario.sliceMs ? Math.max(1, Math.round(round.durationMs / scenario.sliceMs)) : 1;
  const durationMs = round.durationMs / slices;
  const done: Record<SideName, Measurement[]> = { etcdkit: [], raw: [], floor: [] };
  for (let k = 0; k < slices; k++)
    for (const name of rotation(names, round.index + k)) done[name].push(await run(name, { ...round, durationMs }));
  return new Map(names.map((name) => [name, slices === 1 ? done[name][0]! : summed(done[name])]));
}

/** The order the sides run in, in round `index`: rotated by one each round, so each goes first as often. */
export function rotation<T>(sides: readonly T[], index: number): T[] {
  const k = index % sides.length;
  return [...sides.slice(k), ...sides.slice(0, k)];
}

/**
 * Runs one scenario: an untimed warm-up of each side, then `rounds` rounds
 * of every side, rotating their order so none always runs on a warmer (or
 * more fragmented) process.
 */
export async function runScenario(scenario: Scenario, ctx: BenchContext, plan: RunPlan): Promise<ScenarioResult> {
  const rounds = scenario.rounds ? (ctx.quick ? scenario.rounds.quick : scenario.rounds.full) : plan.rounds;
  const names: SideName[] = scenario.floor ? ['etcdkit', 'raw', 'floor'] : ['etcdkit', 'raw'];
  const sides: Record<SideName, Measurement[]> = { etcdkit: [], raw: [], floor: [] };
  await scenario.setup?.(ctx);
  try {
    if (!scenario.noWarmup) {
      const warm: Round = { index: -1, durationMs: plan.warmupMs, ctx };
      for (const name of names) await (name === 'floor' ? scenario.floor!(warm) : scenario[name](warm));
    }
    for (let index = 0; index < rounds; index++) {
      const each = await oneRound(scenario, names, { index, durationMs: plan.durationMs, ctx });
      for (const [name, m] of each) sides[name].push(m);
    }
  } finally {
    await scenario.teardown?.(ctx);
  }
  const etcdkit = side(scenario, sides.etcdkit);
  const raw = side(scenario, sides.raw);
  const floor = scenario.floor ? side(scenario, sides.floor) : undefined;
  const vs = versus(etcdkit, raw);
  const labels: ScenarioResult['labels'] = scenario.labels ?? DEFAULT_LABELS;
  return {
    name: scenario.name,
    title: scenario.title,
    unit: scenario.unit,
    labels: floor ? { ...labels, floor: labels.floor ?? FLOOR_LABEL } : labels,
    ...(scenario.figures ? { figures: scenario.figures } : {}),
    rounds,
    etcdkit,
    raw,
    ratio: vs.rate,
    pairedRatio: vs.paired,
    cpuRatio: vs.cpu,
    ...(floor ? { floor, vsFloor: { etcdkit: versus(etcdkit, floor), raw: versus(raw, floor) } } : {}),
    targets: checks(scenario, etcdkit, raw),
    ...(scenario.targets?.whenMissed ? { whenMissed: scenario.targets.whenMissed } : {}),
  };
}
