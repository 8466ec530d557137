import type { Etcd3 } from 'etcd3';
import type { Client } from '../src/index.js';
import type { Floor } from './lib/floor.js';

/** What every scenario gets in `setup` and in each round. */
export interface BenchContext {
  /** An etcdkit client of the benchmark etcd. */
  readonly etcdkit: Client;
  /** A plain etcd3 client of the same etcd, with etcd3's default options (what users write by hand). */
  readonly raw: Etcd3;
  /** A bare grpc-js client of the same etcd's KV service on etcd3's own proto: the floor (see lib/floor.ts). */
  readonly floor: Floor;
  /** Endpoints of the benchmark etcd (for scenarios that run a child process). */
  readonly endpoints: readonly string[];
  /** A key prefix of this scenario's own; the harness deletes everything under it afterwards. */
  readonly prefix: string;
  /** True for `--quick` (CI-sized): scenarios shrink their work. */
  readonly quick: boolean;
}

/** One timed run of one side. */
export interface Round {
  /** 0-based round number; -1 for the untimed warm-up. */
  readonly index: number;
  /** How long a time-bounded side should run for, in ms (shorter with `--quick` and for the warm-up). */
  readonly durationMs: number;
  readonly ctx: BenchContext;
}

/** What one side measured in one round. */
export interface Measurement {
  /** Units of work done (operations, keys, bytes...). The rate is `work / seconds`. */
  readonly work: number;
  readonly seconds: number;
  /** Peak memory growth over the side's own baseline, in MiB, when the side measures it. */
  readonly peakMiB?: number;
  /**
   * CPU time the client spent (user + system). The harness measures it around
   * each side; a side that runs elsewhere (a child process) reports its own.
   */
  readonly cpuSeconds?: number;
  /** Further figures of this round (latency percentiles, conflict rate...), named as in `Scenario.figures`. */
  readonly figures?: Readonly<Record<string, number>>;
}

/** Targets the harness checks and reports (never enforced: shared machines are noisy). */
export interface Targets {
  /** median(etcdkit) / median(raw) must be at least this. */
  readonly minRatio?: number;
  /** The etcdkit side's median client CPU per unit of work ÷ the raw side's must be at most this. */
  readonly maxCpuRatio?: number;
  /** The median peak memory growth of the etcdkit side must stay under this, in MiB. */
  readonly maxEtcdkitPeakMiB?: number;
  /** The median rate of the etcdkit side must be at least this, in the scenario's unit. */
  readonly minEtcdkitRate?: number;
  /** The median of each named figure of the etcdkit side must not exceed this (at most). */
  readonly maxEtcdkitFigure?: Readonly<Record<string, number>>;
  /** The etcdkit side's median of each named figure must not exceed this multiple of the raw side's. */
  readonly maxFigureRatio?: Readonly<Record<string, number>>;
  /** What is known to hold a figure back, printed in the docs next to a missed target. */
  readonly whenMissed?: string;
}

/**
 * A benchmark: the same job done with etcdkit and with its raw equivalent
 * (and, optionally, with bare grpc-js: the floor), run interleaved (the order
 * of the sides rotates by round) over several rounds against the same etcd,
 * in the same process.
 */
export interface Scenario {
  /** Short, unique, kebab-case: used by `--only` and in the JSON. */
  readonly name: string;
  /** One line for the table and the docs. */
  readonly title: string;
  /** The unit of `work / seconds`, e.g. `ops/s`, `keys/s`, `MB/s`. */
  readonly unit: string;
  /** What each side is, for the docs. @default { etcdkit: 'etcdkit', raw: 'etcd3', floor: 'grpc-js' } */
  readonly labels?: { readonly etcdkit: string; readonly raw: string; readonly floor?: string };
  readonly targets?: Targets;
  /** Labels of the further figures the sides report in `Measurement.figures`, e.g. `{ p99: 'p99 latency, ms' }`. */
  readonly figures?: Readonly<Record<string, string>>;
  /** Rounds override (e.g. for slow scenarios). */
  readonly rounds?: { readonly full: number; readonly quick: number };
  /**
   * Run each round as short slices of about this many ms per side, the sides
   * taking turns, instead of one stretch per side; the round's figures sum
   * the slices. For time-bounded sides whose rate follows how much CPU the
   * machine leaves them: each side then samples the same background load.
   */
  readonly sliceMs?: number;
  /** Skip the untimed warm-up of each side (for scenarios whose setup already warms up, or that are slow). */
  readonly noWarmup?: boolean;
  setup?(ctx: BenchContext): Promise<void>;
  etcdkit(round: Round): Promise<Measurement>;
  raw(round: Round): Promise<Measurement>;
  /**
   * The same job on bare grpc-js (`round.ctx.floor`), when it can be written
   * there: what any wrapper of grpc-js could reach. Its rate and CPU per unit
   * are reported beside the other two, and both sides are compared with it.
   */
  floor?(round: Round): Promise<Measurement>;
  teardown?(ctx: BenchContext): Promise<void>;
}

/** Times `fn`, which returns the work it did. */
export async function timed(fn: () => Promise<number>): Promise<Measurement> {
  const start = process.hrtime.bigint();
  const work = await fn();
  return { work, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/**
 * Runs `op` from `concurrency` workers until `durationMs` has passed;
 * the work is the number of operations completed. The time is the workers'
 * mean running time: each stops at its first completion after the deadline,
 * so the concurrency falls while the last ones finish, and the time of the
 * last would undercount the rate by about half a latency (at c=64 and 28 ms
 * per call, 6 % of a 250 ms slice).
 */
export async function closedLoop(
  concurrency: number,
  durationMs: number,
  op: (i: number) => Promise<unknown>,
): Promise<Measurement> {
  let done = 0;
  let workerMs = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (w: number) => {
    for (let i = w; performance.now() < deadline; i += concurrency) {
      await op(i);
      done++;
    }
    workerMs += performance.now() - start;
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { work: done, seconds: workerMs / concurrency / 1000 };
}
