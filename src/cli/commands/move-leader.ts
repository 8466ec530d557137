import { hexId } from '../format.js';
import type { Command } from '../types.js';

/** `move-leader <id>`: hands leadership to another member. */
export const moveLeader: Command = {
  name: 'move-leader',
  usage: '<member-id>',
  summary: 'hand leadership to the member with this id (hex, as `members` shows it)',
  args: [1, 1],
  async run({ client, out, args, signal }) {
    const id = hexId('member id', args[0]);
    await client.maintenance.moveLeader(id, { signal });
    if (out.json) return out.data({ leader: id });
    await out.line(`leadership moved to ${id}`);
  },
};
