import { parseArgs } from 'node:util';
import { globalOptions } from './connect.js';
import { UsageError, type OptionSpec } from './types.js';

/** A command line split into the command word, its arguments and its options. */
export interface ParsedLine {
  readonly command: string | undefined;
  readonly args: string[];
  readonly rest: string[];
  readonly flags: Record<string, string | boolean | undefined>;
}

/**
 * Finds the command word: the first argument that is neither an option nor
 * the value of a global option, so global options may come before it.
 */
export function commandWord(argv: readonly string[]): { word: string | undefined; index: number } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('-')) return { word: arg, index: i };
    const name = arg.replace(/^--?/, '');
    if (!arg.includes('=') && globalOptions[name]?.type === 'string') i++;
  }
  return { word: undefined, index: -1 };
}

/** Parses everything but the command word against the global options and the command's own. */
export function parseLine(argv: readonly string[], own: Readonly<Record<string, OptionSpec>> = {}): ParsedLine {
  const { word, index } = commandWord(argv);
  const rest = index >= 0 ? [...argv.slice(0, index), ...argv.slice(index + 1)] : [...argv];
  const options = Object.fromEntries(
    Object.entries({ ...globalOptions, ...own }).map(([name, o]) => [
      name,
      o.short ? { type: o.type, short: o.short } : { type: o.type },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const terminator = parsed.tokens.find((t) => t.kind === 'option-terminator');
  return {
    command: word,
    args: parsed.positionals,
    rest: terminator ? rest.slice(terminator.index + 1) : [],
    flags: parsed.values as Record<string, string | boolean | undefined>,
  };
}
