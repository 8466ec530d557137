import { UsageError, type Context } from './types.js';

/** Prints `result` as JSON with --json, else the line `text`. */
export async function done(out: Context['out'], result: unknown, text: string): Promise<void> {
  if (out.json) return out.data(result);
  await out.line(text);
}

/** One subcommand of a command such as `member add`: its arguments after the subcommand word. */
export interface Subcommand {
  /** Argument synopsis after the subcommand word. */
  readonly usage: string;
  /** How many arguments it takes after the subcommand word: [min, max]. */
  readonly args: readonly [number, number];
  // biome-ignore lint/suspicious/noConfusingVoidType: a subcommand that returns nothing exits 0
  run(ctx: Context, args: readonly string[]): Promise<number | void>;
}

/** The short usage for the command list, e.g. `<list|disarm> …`. */
export function subUsage(subs: Readonly<Record<string, Subcommand>>): string {
  return `<${Object.keys(subs).join('|')}> …`;
}

/** One synopsis line per subcommand, for the command's own help. */
export function subDetails(command: string, subs: Readonly<Record<string, Subcommand>>): string[] {
  return Object.entries(subs).map(([name, s]) => `etcdkit ${command} ${name}${s.usage ? ` ${s.usage}` : ''}`);
}

/** Runs the subcommand named by the first argument. */
export function dispatch(
  command: string,
  subs: Readonly<Record<string, Subcommand>>,
  ctx: Context,
  // biome-ignore lint/suspicious/noConfusingVoidType: a subcommand that returns nothing exits 0
): Promise<number | void> {
  const [name, ...args] = ctx.args;
  const sub = name === undefined ? undefined : subs[name];
  if (!sub)
    throw new UsageError(`${command}: expected one of ${Object.keys(subs).join(', ')}, got ${name ?? 'nothing'}`);
  const [min, max] = sub.args;
  if (args.length < min || args.length > max) {
    throw new UsageError(`usage: etcdkit ${command} ${name}${sub.usage ? ` ${sub.usage}` : ''}`);
  }
  return sub.run(ctx, args);
}
