import { keysUnder, limitOption, printKeys } from '../scan.js';
import type { Command } from '../types.js';

/** `list [prefix]`: keys under a prefix, streamed. */
export const list: Command = {
  name: 'list',
  usage: '[prefix]',
  summary: 'keys under prefix (all keys without one), streamed page by page',
  args: [0, 1],
  options: { limit: limitOption },
  async run(ctx) {
    await printKeys(ctx, keysUnder(ctx, ctx.args[0]), () => true);
  },
};
