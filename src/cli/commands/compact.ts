import { wholeNumber } from '../format.js';
import type { Command } from '../types.js';

/** `compact <rev>`: discards history before a revision. */
export const compact: Command = {
  name: 'compact',
  usage: '<rev> [--physical]',
  summary: 'discard the key history before revision rev (older revisions can no longer be read or watched)',
  args: [1, 1],
  options: { physical: { type: 'boolean', description: 'wait until the space is reclaimed on disk' } },
  async run({ client, out, args, flags, signal }) {
    const revision = wholeNumber('revision', args[0])!;
    await client.compact(revision, { physical: flags.physical === true, signal });
    if (out.json) return out.data({ compacted: revision });
    await out.line(`compacted: history before revision ${revision} is gone`);
  },
};
