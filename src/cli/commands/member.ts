import type { Member } from '../../index.js';
import { hexId } from '../format.js';
import { dispatch, subDetails, subUsage, type Subcommand } from '../sub.js';
import type { Command, Context } from '../types.js';
import { memberTable } from './members.js';

const urls = (list: string) =>
  list
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);

async function showMembers(out: Context['out'], list: readonly Member[], done: string): Promise<void> {
  if (out.json) return out.data(list);
  await out.line(done);
  await memberTable(out, list);
}

const subs: Record<string, Subcommand> = {
  list: {
    usage: '',
    args: [0, 0],
    run: async ({ client, out, signal }) => showMembers(out, await client.cluster.members({ signal }), 'members:'),
  },
  add: {
    usage: '<peer-urls> [--learner]',
    args: [1, 1],
    async run({ client, out, flags, signal }, [peers]) {
      const { member, members } = await client.cluster.addMember(urls(peers!), {
        learner: flags.learner === true,
        signal,
      });
      if (out.json) return out.data({ member, members });
      await showMembers(
        out,
        members,
        `added member ${member.id}${flags.learner ? ' as a learner' : ''}; start it with --initial-cluster-state existing`,
      );
    },
  },
  promote: {
    usage: '<id>',
    args: [1, 1],
    run: async ({ client, out, signal }, [text]) => {
      const id = hexId('member id', text);
      await showMembers(out, await client.cluster.promoteMember(id, { signal }), `promoted ${id}`);
    },
  },
  remove: {
    usage: '<id>',
    args: [1, 1],
    run: async ({ client, out, signal }, [text]) => {
      const id = hexId('member id', text);
      await showMembers(out, await client.cluster.removeMember(id, { signal }), `removed ${id}`);
    },
  },
  update: {
    usage: '<id> <peer-urls>',
    args: [2, 2],
    run: async ({ client, out, signal }, [text, peers]) => {
      const id = hexId('member id', text);
      await showMembers(out, await client.cluster.updateMember(id, urls(peers!), { signal }), `updated ${id}`);
    },
  },
};

/** `member add|promote|remove|update|list`: changes the cluster's membership. */
export const member: Command = {
  name: 'member',
  usage: subUsage(subs),
  details: subDetails('member', subs),
  summary: 'add (as a learner with --learner), promote, remove or update a member (peer URLs comma-separated)',
  args: [1, 3],
  options: { learner: { type: 'boolean', description: 'with add: join as a learner (non-voting until promoted)' } },
  run: (ctx) => dispatch('member', subs, ctx),
};
