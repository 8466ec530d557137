/** The JSON the harness writes with `--json` (and renders into docs/benchmarks.md). */

/** One side's figures over the timed rounds. */
export interface SideResult {
  /** Median rate over the rounds, in the scenario's unit. */
  readonly median: number;
  /** Each round's rate, in round order. */
  readonly samples: number[];
  /**
   * Median client CPU time per unit of work, in microseconds: far less
   * sensitive to a busy machine than the rate.
   */
  readonly cpuMicros: number;
  /** Peak memory growth in MiB, when the side measures it. */
  readonly peakMiB?: { readonly median: number; readonly samples: number[] };
  /** Further figures (named as in `ScenarioResult.figures`): median and each round's value. */
  readonly figures?: Readonly<Record<string, { readonly median: number; readonly samples: number[] }>>;
}

/** One side against another: the ratio of their median rates and of their median CPU per unit of work. */
export interface Versus {
  /** median(rate of this side) / median(rate of the other). */
  readonly rate: number;
  /** Median CPU per unit of this side / the other's: below 1 is cheaper. */
  readonly cpu: number;
  /** The median of each round's rate ratio (the two ran in the same round). */
  readonly paired: number;
}

/** A target and whether this run met it. */
export interface TargetCheck {
  readonly target: string;
  readonly met: boolean;
  readonly figure: string;
}

export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly unit: string;
  readonly labels: { readonly etcdkit: string; readonly raw: string; readonly floor?: string };
  /** Labels of further figures (latency percentiles, conflict rate...), when the scenario reports any. */
  readonly figures?: Readonly<Record<string, string>>;
  readonly rounds: number;
  readonly etcdkit: SideResult;
  readonly raw: SideResult;
  /** median(etcdkit) / median(raw). */
  readonly ratio: number;
  /**
   * The median of each round's etcdkit/raw ratio. Both sides of a round run
   * back to back, so on a machine whose load drifts this is the steadier figure.
   */
  readonly pairedRatio: number;
  /** etcdkit's median CPU per unit ÷ raw's (absent in results written before it was recorded). */
  readonly cpuRatio?: number;
  /** The bare grpc-js side, for scenarios that have one (see `Scenario.floor`). */
  readonly floor?: SideResult;
  /** Each of the two sides against the floor, when there is one. */
  readonly vsFloor?: { readonly etcdkit: Versus; readonly raw: Versus };
  readonly targets: TargetCheck[];
  /** The scenario's standing explanation for a missed target, if it has one. */
  readonly whenMissed?: string;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the run started: anything near `cores` means a busy machine. */
  readonly loadAverage: number;
}

export interface BenchResults {
  readonly version: 1;
  readonly date: string;
  readonly quick: boolean;
  readonly command: string;
  readonly seconds: number;
  readonly machine: Machine;
  readonly etcd: { readonly source: string; readonly version: string };
  readonly scenarios: ScenarioResult[];
}
