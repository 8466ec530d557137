import type { EndpointStatus } from '../../index.js';
import { formatBytes } from '../format.js';
import type { Command, Context } from '../types.js';

function healthOf(s: EndpointStatus): string {
  if (!s.reachable) return `unreachable: ${s.error ?? 'no answer'}`;
  // Answered with a refusal: etcd 3.5+ gives Status to root only under authentication.
  if (s.memberId === undefined) return `no status: ${s.error ?? 'refused'}`;
  if (s.leader === '0') return 'no leader';
  return s.errors && s.errors.length > 0 ? s.errors.join(', ') : 'ok';
}

/** `status`: per endpoint version, leader, database size, Raft term and index, and health. */
export const status: Command = {
  name: 'status',
  usage: '',
  summary: 'per endpoint: version, leader, db size, raft term/index, health (exit 1 when unhealthy)',
  args: [0, 0],
  async run({ client, out }: Context) {
    const health = await client.health();
    if (out.json) {
      await out.data(health);
    } else {
      const rows = health.statuses.map((s) => [
        s.endpoint,
        s.memberId ?? '-',
        s.version ?? '-',
        s.dbSize === undefined ? '-' : formatBytes(s.dbSize),
        s.isLeader === undefined ? '-' : s.isLeader ? 'yes' : 'no',
        s.raftTerm === undefined ? '-' : String(s.raftTerm),
        s.raftIndex === undefined ? '-' : String(s.raftIndex),
        healthOf(s).startsWith('ok') ? out.paint('green', healthOf(s)) : out.paint('red', healthOf(s)),
      ]);
      await out.table(['ENDPOINT', 'ID', 'VERSION', 'DB SIZE', 'LEADER', 'RAFT TERM', 'RAFT INDEX', 'HEALTH'], rows);
      const verdict = health.healthy ? out.paint('green', 'healthy') : out.paint('red', 'unhealthy');
      await out.line(
        `cluster ${verdict}: ${health.reachable}/${health.endpoints} endpoints answer, leader ${health.leader ?? (health.healthy ? 'unknown' : 'none')}`,
      );
    }
    return health.healthy ? 0 : 1;
  },
};
