import { hexId } from '../format.js';
import { dispatch, subDetails, subUsage, type Subcommand } from '../sub.js';
import type { Command } from '../types.js';

const subs: Record<string, Subcommand> = {
  list: {
    usage: '',
    args: [0, 0],
    async run({ client, out, signal }) {
      const ids = await client.maintenance.leases({ signal });
      if (out.json) return out.data(ids);
      await out.line(`found ${ids.length} leases`);
      for (const id of ids) await out.line(id);
    },
  },
  timetolive: {
    usage: '<id> [--keys]',
    args: [1, 1],
    async run({ client, out, flags, signal }, [text]) {
      // Printed as lease list prints it, whether given with leading zeros or not.
      const id = hexId('lease id', text);
      const info = { ...(await client.maintenance.leaseTimeToLive(id, { keys: flags.keys === true, signal })), id };
      if (out.json) return out.data(info);
      const keys = flags.keys ? `, attached keys [${info.keys.join(' ')}]` : '';
      await out.line(`lease ${info.id} granted with TTL(${info.grantedTtl}s), remaining(${info.ttl}s)${keys}`);
    },
  },
};

/** `lease list|timetolive`: the leases alive in the cluster. */
export const lease: Command = {
  name: 'lease',
  usage: subUsage(subs),
  details: subDetails('lease', subs),
  summary: 'list the leases alive in the cluster; show one lease’s remaining TTL and (--keys) its keys',
  args: [1, 2],
  options: { keys: { type: 'boolean', description: 'with timetolive: list the keys attached to the lease' } },
  run: (ctx) => dispatch('lease', subs, ctx),
};
