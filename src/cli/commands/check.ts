import type { Command } from '../types.js';
import { UsageError } from '../types.js';

/** `check hash`: do all members hold the same data? Exit code 1 when they do not. */
export const check: Command = {
  name: 'check',
  usage: 'hash',
  summary: "compare every member's hash of the keyspace at one revision; exit code 1 when they differ",
  args: [1, 1],
  async run({ client, out, args, signal }) {
    if (args[0] !== 'hash') throw new UsageError(`check: expected hash, got ${args[0]}`);
    const r = await client.maintenance.checkConsistency({ signal });
    if (out.json) {
      await out.data(r);
    } else {
      const rows = r.hashes.map((h) => [
        h.endpoint,
        h.memberId,
        String(h.hash),
        String(h.compactRevision),
        r.mismatched.includes(h.memberId) ? 'MISMATCH' : 'ok',
      ]);
      for (const u of r.unreachable) rows.push([u.endpoint, u.memberId, '-', '-', `unreachable: ${u.error}`]);
      await out.table(['ENDPOINT', 'MEMBER', 'HASH', 'COMPACT REV', 'RESULT'], rows);
      await out.line(
        r.consistent ? `all members agree at revision ${r.revision}` : `members disagree at revision ${r.revision}`,
      );
    }
    return r.consistent ? 0 : 1;
  },
};
