import { showValue, valueForHumans, wholeNumber } from '../format.js';
import type { Command } from '../types.js';

/** `history <key>`: every version of a key still in etcd's history. */
export const history: Command = {
  name: 'history',
  usage: '<key> [--rev N]',
  summary: 'every change of key still in history (not compacted), oldest first',
  args: [1, 1],
  options: { rev: { type: 'string', value: 'N', description: 'start at revision N' } },
  async run({ client, out, args, flags, signal }) {
    const key = args[0]!;
    const versions = await client.history(key, { fromRevision: wholeNumber('--rev', flags.rev), signal });
    if (out.json) {
      return out.data(
        versions.map((v) => ({
          modRevision: v.modRevision,
          createRevision: v.createRevision,
          version: v.version,
          deleted: v.deleted,
          ...(v.deleted ? {} : showValue(v.value)),
        })),
      );
    }
    const rows = versions.map((v) => [
      String(v.modRevision),
      v.deleted ? '-' : String(v.version),
      v.deleted ? out.paint('red', 'DELETE') : 'PUT',
      v.deleted ? '' : valueForHumans(v.value),
    ]);
    await out.table(['MOD REVISION', 'VERSION', 'CHANGE', 'VALUE'], rows);
    if (versions.length === 0) await out.line(`no history for ${key} (never written, or compacted)`);
  },
};
