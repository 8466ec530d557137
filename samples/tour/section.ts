import type { Client, Config } from '../../src/index.js';

/** What every section of the tour gets. */
export interface TourContext {
  /** A connected client (inside `--namespace` when one is given). */
  readonly client: Client;
  /** The configuration of `client`, for demos that connect a second client. */
  readonly config: Config;
  /** True with `--fast`: sections that wait (lease expiry, lock hand-over) wait as little as they can. */
  readonly fast: boolean;
  /** Prints one line of the tour's output. */
  print(line?: string): void;
}

/**
 * One demo of the tour. Each lives in its own file in `samples/tour/` and is
 * listed in `sections.ts`, in the order of the reference output.
 */
export interface Section {
  /** The name `--only` selects it by. */
  readonly name: string;
  /** The heading printed above its output. */
  readonly title: string;
  /** The line under the heading. @default dashes as long as the title */
  readonly rule?: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** Runs the demo, printing its lines. */
  run(ctx: TourContext): Promise<void>;
  /** Removes whatever the demo wrote; runs even when the demo failed. */
  cleanup?(ctx: TourContext): Promise<void>;
}
