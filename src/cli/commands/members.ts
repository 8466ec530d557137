import type { Member } from '../../index.js';
import type { Command, Context } from '../types.js';

/** `members`: the members of the cluster. */
export const members: Command = {
  name: 'members',
  usage: '',
  summary: 'the members of the cluster: id, name, peer and client URLs',
  args: [0, 0],
  async run({ client, out }: Context) {
    const list = await client.members();
    if (out.json) return out.data(list);
    await memberTable(out, list);
  },
};

/** The members as a table (also after `member add|promote|remove|update`). */
export function memberTable(out: Context['out'], list: readonly Member[]): Promise<void> {
  const rows = list.map((m) => [
    m.id,
    m.name || '(not started)',
    m.peerURLs.join(','),
    m.clientURLs.join(',') || '-',
    m.isLearner ? 'learner' : 'voter',
  ]);
  return out.table(['ID', 'NAME', 'PEER URLS', 'CLIENT URLS', 'ROLE'], rows);
}
