import type { Client } from '../index.js';
import type { Output } from './output.js';

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** One option of a command, in the shape `node:util` parseArgs wants plus help text. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** What the value stands for in help, e.g. `N` for `--rev N`. */
  readonly value?: string;
  readonly description: string;
}

/** Everything a command gets to do its work. */
export interface Context {
  /** Positional arguments after the command name (including those after `--`). */
  readonly args: readonly string[];
  /** Arguments after `--`, for commands that run another program. */
  readonly rest: readonly string[];
  /** Parsed options, global and the command's own. */
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  readonly client: Client;
  /** Standard output, JSON-aware. */
  readonly out: Output;
  /** Standard error, for progress and warnings. */
  readonly err: Output;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  readonly env: Env;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
}

/**
 * A CLI command. Adding one is one file exporting a Command, plus one line
 * in `commands.ts`.
 */
export interface Command {
  /** The word that selects the command. */
  readonly name: string;
  /** Argument synopsis shown in help, e.g. `<key> [--rev N]`. */
  readonly usage: string;
  /** One line for the command list. */
  readonly summary: string;
  /** More lines for the command's own help (e.g. each subcommand's synopsis). */
  readonly details?: readonly string[];
  /** How many positional arguments it takes: [min, max]. */
  readonly args: readonly [number, number];
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /**
   * The exit code of an error (default 1), for a command whose exit code 1
   * is a result: `search` exits 1 when no key matches, 3 when it failed.
   */
  readonly errorExitCode?: number;
  /** Does the work; resolves to the exit code (default 0). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a command that returns nothing exits 0
  run(ctx: Context): Promise<number | void>;
}

/** Wrong command line: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
