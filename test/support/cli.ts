import { expect } from 'vitest';
import { run } from '../../src/cli/run.js';
import { Capture } from '../process.js';

/** What one in-process run of the CLI returned and printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where and how the CLI runs: the etcd it talks to and what else its process would have. */
export interface CliOptions {
  /** The etcd the CLI talks to, given as `ETCD_ENDPOINTS`. */
  endpoints: readonly string[];
  /** More environment, on top of `ETCD_ENDPOINTS` (it may override it). */
  env?: Record<string, string>;
  cwd?: string;
  signal?: AbortSignal;
  /** Where stderr goes, for a test that reads it while the command runs. */
  stderr?: Capture;
  /** Whether stdout and stderr look like a terminal. */
  tty?: boolean;
}

/** Runs the CLI in-process, as `etcdkit <args>` would run, and collects what it printed. */
export async function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const stdout = new Capture(options.tty);
  const stderr = options.stderr ?? new Capture(options.tty);
  const code = await run(args, {
    stdout,
    stderr,
    env: { ETCD_ENDPOINTS: options.endpoints.join(','), ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs `cli` with `--json`, expects success with nothing on stderr, and parses what it printed. */
// biome-ignore lint/suspicious/noExplicitAny: the tests read the printed JSON loosely, field by field
export async function cliJson<T = any>(cli: (args: string[]) => Promise<CliResult>, args: string[]): Promise<T> {
  const res = await cli([...args, '--json']);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as T;
}
