import { Client, EtcdKitError } from '../index.js';
import { commandWord, parseLine } from './args.js';
import { commands, findCommand } from './commands.js';
import { configFrom } from './connect.js';
import { withVerbose } from './verbose.js';
import { commandHelp, overview } from './help.js';
import { Output, type OutStream } from './output.js';
import { UsageError, type Command, type Env } from './types.js';

/** Where the CLI reads its environment and writes its output; defaults to the process'. */
export interface RunIO {
  stdout?: OutStream;
  stderr?: OutStream;
  env?: Env;
  /** Aborting stops the running command (the bin wires Ctrl-C to it). */
  signal?: AbortSignal;
  cwd?: string;
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves to the
 * exit code: 0 on success, 1 on an error, 2 on a wrong command line, 130
 * when cancelled. Never throws.
 */
export async function run(argv: readonly string[], io: RunIO = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const json = argv.includes('--json');
  const color = !env.NO_COLOR;
  const out = new Output(stdout, { json, color });
  const err = new Output(stderr, { json, color });
  try {
    const signal = io.signal ?? new AbortController().signal;
    return await dispatch(argv, { out, err, stderr, env, signal, cwd: io.cwd ?? process.cwd() });
  } catch (error) {
    return report(err, error);
  }
}

interface Streams {
  out: Output;
  err: Output;
  /** The raw stderr, for --verbose log lines. */
  stderr: OutStream;
  env: Env;
  signal: AbortSignal;
  cwd: string;
}

async function dispatch(argv: readonly string[], s: Streams): Promise<number> {
  const { word } = commandWord(argv);
  if (word === undefined) {
    if (argv.includes('--help') || argv.includes('-h')) {
      await s.out.lines(overview(commands));
      return 0;
    }
    await s.err.lines(overview(commands));
    return 2;
  }
  if (word === 'help') {
    const target = parseLine(argv).args[0];
    await s.out.lines(target ? commandHelp(findOrFail(target)) : overview(commands));
    return 0;
  }
  const command = findOrFail(word);
  const line = parseLine(argv, command.options);
  if (line.flags.help) {
    await s.out.lines(commandHelp(command));
    return 0;
  }
  const [min, max] = command.args;
  if (line.args.length < min || line.args.length > max) {
    const count = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new UsageError(`${command.name} takes ${count} argument(s): etcdkit ${command.name} ${command.usage}`);
  }
  const config = withVerbose(configFrom(line.flags, s.env), line.flags.verbose === true, s.stderr, s.err.json);
  try {
    const client = await Client.connect(config, { signal: s.signal });
    try {
      const code = await command.run({ ...s, args: line.args, rest: line.rest, flags: line.flags, client });
      return code ?? 0;
    } finally {
      await client.close();
    }
  } catch (error) {
    if (command.errorExitCode === undefined) throw error;
    return report(s.err, error, command.errorExitCode);
  }
}

function findOrFail(name: string): Command {
  const command = findCommand(name);
  if (!command) throw new UsageError(`unknown command '${name}'`);
  return command;
}

// The library's message names Config.withAuth; on the command line the credentials come from flags.
const authHint = (error: unknown): string =>
  error instanceof EtcdKitError && error.code === 'AUTH_FAILED'
    ? ' (on the command line: --user NAME --password PASSWORD, or $ETCD_USERNAME and $ETCD_PASSWORD)'
    : '';

/** One line on stderr: the error code and message (JSON with --json); resolves to the exit code. */
async function report(err: Output, error: unknown, errorExitCode = 1): Promise<number> {
  const usage = error instanceof UsageError;
  const code = usage ? 'USAGE' : error instanceof EtcdKitError ? error.code : 'ERROR';
  // One line, whatever the underlying library put in the message.
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
  const message = `${text}${authHint(error)}`;
  if (err.json) {
    await err.data({ error: { code, message } });
  } else {
    const hint = usage ? ' (see etcdkit --help)' : '';
    await err.line(`etcdkit: ${err.paint('red', code)}: ${message}${hint}`);
  }
  if (usage) return 2;
  return error instanceof EtcdKitError && error.code === 'CANCELLED' ? 130 : errorExitCode;
}
