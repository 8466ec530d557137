import { formatBytes } from '../format.js';
import type { Command, Context } from '../types.js';

/** `size`: database size per endpoint, key count and revision. */
export const size: Command = {
  name: 'size',
  usage: '',
  summary: 'database size per endpoint, number of keys and current revision',
  args: [0, 0],
  async run({ client, out }: Context) {
    const [statuses, keys, revision] = await Promise.all([
      client.status(),
      client.count('', { all: true }),
      client.revision(),
    ]);
    const endpoints = statuses.map((s) => ({ endpoint: s.endpoint, dbSize: s.dbSize ?? null, error: s.error ?? null }));
    if (out.json) return out.data({ endpoints, keys, revision });
    const rows = statuses.map((s) => [
      s.endpoint,
      s.dbSize !== undefined
        ? `${formatBytes(s.dbSize)} (${s.dbSize} bytes)`
        : `${s.reachable ? 'unknown' : 'unreachable'}: ${s.error ?? ''}`,
    ]);
    await out.table(['ENDPOINT', 'DB SIZE'], rows);
    await out.line(`keys: ${keys}   revision: ${revision}`);
  },
};
