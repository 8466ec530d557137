import { keysUnder, limitOption, printKeys } from '../scan.js';
import { UsageError, type Command } from '../types.js';

/** A glob (`*`, `?`, `[...]`, matching the whole key) as a regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\\]/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`, 's');
  } catch (err) {
    // A class such as [z-a] is not a valid range.
    throw new UsageError(
      `invalid pattern '${glob}': ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /s, '')}`,
    );
  }
}

/** How a pattern matches: a glob when it has `*`, `?` or `[`, else a substring. */
export function matcher(pattern: string): (key: string) => boolean {
  if (!/[*?[]/.test(pattern)) return (key) => key.includes(pattern);
  const re = globToRegExp(pattern);
  return (key) => re.test(key);
}

/** `search <pattern>`: keys matching a substring or a glob, streamed. */
export const search: Command = {
  name: 'search',
  usage: '<pattern> [--prefix P]',
  summary: 'keys containing pattern, or matching it as a glob (*, ?, [abc]); streams, never loads all keys',
  args: [1, 1],
  errorExitCode: 3,
  options: {
    prefix: { type: 'string', value: 'P', description: 'search only under this prefix' },
    limit: limitOption,
  },
  async run(ctx) {
    const prefix = typeof ctx.flags.prefix === 'string' ? ctx.flags.prefix : undefined;
    const keep = matcher(ctx.args[0]!);
    const found = await printKeys(ctx, keysUnder(ctx, prefix), keep);
    return found > 0 ? 0 : 1;
  },
};
