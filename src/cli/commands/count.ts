import { wholeNumber } from '../format.js';
import { keysUnder } from '../scan.js';
import type { Command, Context } from '../types.js';

/**
 * The group of `key`: the prefix followed by the first `depth` path segments
 * of the rest of the key (`/registry/` + `pods/default/web` at depth 1 is
 * `/registry/pods`).
 */
export function groupOf(key: string, prefix: string, depth: number): string {
  const rest = key.slice(prefix.length);
  const slashes = /^\/*/.exec(rest)![0];
  const segments = rest.slice(slashes.length).split('/');
  return prefix + slashes + segments.slice(0, depth).join('/');
}

async function countGroups(ctx: Context, prefix: string, depth: number): Promise<void> {
  const groups = new Map<string, number>();
  let total = 0;
  for await (const kv of keysUnder(ctx, prefix)) {
    const group = groupOf(kv.key, prefix, depth);
    groups.set(group, (groups.get(group) ?? 0) + 1);
    total++;
  }
  const sorted = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, count]) => ({ group, count }));
  if (ctx.out.json) return ctx.out.data({ prefix, depth, total, groups: sorted });
  await ctx.out.table(
    ['COUNT', 'GROUP'],
    sorted.map((g) => [String(g.count), g.group]),
    [0],
  );
  await ctx.out.line(`total ${total} keys in ${sorted.length} groups`);
}

/** `count [prefix] [--by depth]`: how many keys, optionally grouped by path segment. */
export const count: Command = {
  name: 'count',
  usage: '[prefix] [--by DEPTH]',
  summary:
    'number of keys under prefix; with --by, grouped by the next DEPTH path segments (e.g. type under /registry/)',
  args: [0, 1],
  options: {
    by: { type: 'string', value: 'DEPTH', description: 'group keys by this many path segments after the prefix' },
  },
  async run(ctx) {
    const prefix = ctx.args[0] ?? '';
    const depth = wholeNumber('--by', ctx.flags.by);
    if (depth !== undefined) return countGroups(ctx, prefix, depth);
    const n = await ctx.client.count(prefix, { all: prefix === '', signal: ctx.signal });
    if (ctx.out.json) return ctx.out.data({ prefix, count: n });
    await ctx.out.line(String(n));
  },
};
