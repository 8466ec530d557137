import { keyInfo, wholeNumber } from '../format.js';
import { keysUnder, limitOption, printKeys } from '../scan.js';
import type { Command, Context } from '../types.js';
import { rawOption, render, valueJson } from '../values.js';

/** Keys with their values: `key = value`, or the key and the value's lines indented. */
async function printWithValues(ctx: Context, raw: boolean): Promise<void> {
  const limit = wholeNumber('--limit', ctx.flags.limit) ?? Infinity;
  const array = ctx.out.json ? ctx.out.jsonArray() : undefined;
  let shown = 0;
  try {
    for await (const kv of keysUnder(ctx, ctx.args[0])) {
      if (shown++ >= limit) break;
      if (array) {
        await array.push({ ...keyInfo(kv), ...valueJson(kv.value, raw) });
        continue;
      }
      const r = render(kv.value, raw);
      await ctx.out.line(`${kv.key} = ${r.summary}`);
      for (const line of r.body) await ctx.out.line(`    ${line}`);
    }
  } finally {
    // Closed after an error too: stdout stays valid JSON, the error goes to stderr.
    await array?.end();
  }
}

/** `list [prefix]`: keys under a prefix, streamed; `--values` with their values. */
export const list: Command = {
  name: 'list',
  usage: '[prefix] [--values] [--raw]',
  summary: 'keys under prefix (all keys without one), streamed page by page; --values: with values decoded',
  args: [0, 1],
  options: {
    limit: limitOption,
    values: { type: 'boolean', description: 'print each value too (Kubernetes values decoded, JSON pretty-printed)' },
    raw: rawOption,
  },
  async run(ctx) {
    if (ctx.flags.values) return printWithValues(ctx, ctx.flags.raw === true);
    await printKeys(ctx, keysUnder(ctx, ctx.args[0]), () => true);
  },
};
