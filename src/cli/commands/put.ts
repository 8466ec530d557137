import type { Command } from '../types.js';

/** `put <key> <value>`: writes a value. */
export const put: Command = {
  name: 'put',
  usage: '<key> <value>',
  summary: 'write value under key (use -- before a value that starts with -)',
  args: [2, 2],
  async run({ client, out, args, signal }) {
    const [key, value] = args as [string, string];
    const { revision } = await client.put(key, value, { signal });
    if (out.json) return out.data({ key, revision });
    await out.line(`OK ${key} (revision ${revision})`);
  },
};
