import type { Command } from '../types.js';

/** `del <key> [--prefix]`: deletes a key, or every key under a prefix. */
export const del: Command = {
  name: 'del',
  usage: '<key> [--prefix]',
  summary: 'delete key, or with --prefix every key starting with it',
  args: [1, 1],
  options: { prefix: { type: 'boolean', description: 'delete every key starting with the argument' } },
  async run({ client, out, args, flags, signal }) {
    const key = args[0]!;
    const prefix = flags.prefix === true;
    const deleted = prefix ? await client.deletePrefix(key, { signal }) : await client.delete(key, { signal });
    if (out.json) return out.data(prefix ? { prefix: key, deleted } : { key, deleted });
    await out.line(`deleted ${deleted} key${deleted === 1 ? '' : 's'}`);
  },
};
