import type { Command } from '../types.js';
import { UsageError } from '../types.js';

/** `del <key> [--prefix]`: deletes a key, or every key under a prefix; `del --all`: every key. */
export const del: Command = {
  name: 'del',
  usage: '<key> [--prefix] | --all',
  summary: 'delete key, or with --prefix every key starting with it; --all: every key (in --namespace)',
  args: [0, 1],
  options: {
    prefix: { type: 'boolean', description: 'delete every key starting with the argument' },
    all: { type: 'boolean', description: 'delete every key (every key under --namespace when given)' },
  },
  async run({ client, out, args, flags, signal }) {
    const all = flags.all === true;
    if (all && args.length > 0) throw new UsageError('del --all takes no key: it deletes every key');
    if (!all && args.length === 0) throw new UsageError('del takes a key: etcdkit del <key> [--prefix] | --all');
    const key = args[0] ?? '';
    // An empty prefix would cover every key: that must be asked for by name.
    if (!all && key === '')
      throw new UsageError(
        flags.prefix ? 'an empty prefix covers every key; to delete every key pass --all' : 'the key must not be empty',
      );
    const prefix = all || flags.prefix === true;
    const deleted = prefix ? await client.deletePrefix(key, { signal, all }) : await client.delete(key, { signal });
    if (out.json) return out.data(prefix ? { prefix: key, deleted } : { key, deleted });
    await out.line(`deleted ${deleted} key${deleted === 1 ? '' : 's'}`);
  },
};
