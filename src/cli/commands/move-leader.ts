import type { Command } from '../types.js';

/** `move-leader <id>`: hands leadership to another member. */
export const moveLeader: Command = {
  name: 'move-leader',
  usage: '<member-id>',
  summary: 'hand leadership to the member with this id (hex, as `members` shows it)',
  args: [1, 1],
  async run({ client, out, args, signal }) {
    await client.maintenance.moveLeader(args[0]!, { signal });
    if (out.json) return out.data({ leader: args[0] });
    await out.line(`leadership moved to ${args[0]}`);
  },
};
