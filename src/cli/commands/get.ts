import { KeyNotFoundError } from '../../index.js';
import { wholeNumber } from '../format.js';
import type { Command } from '../types.js';
import { rawOption, render, valueJson } from '../values.js';

/** `get <key> [--rev N]`: a value with the cluster revision and the key's counters. */
export const get: Command = {
  name: 'get',
  usage: '<key> [--rev N] [--raw]',
  summary:
    "a key's value (Kubernetes values decoded), the cluster revision, and the key's create/mod revision and version",
  args: [1, 1],
  options: {
    rev: { type: 'string', value: 'N', description: 'read the key as it was at revision N' },
    raw: rawOption,
  },
  async run({ client, out, args, flags, signal }) {
    const key = args[0]!;
    const revision = wholeNumber('--rev', flags.rev);
    const raw = flags.raw === true;
    const [kv, clusterRevision] = await Promise.all([
      client.find(key, { revision, signal }),
      client.revision({ signal }),
    ]);
    if (!kv) throw new KeyNotFoundError(revision ? `${key} (at revision ${revision})` : key);
    if (out.json) {
      return out.data({
        key: kv.key,
        ...valueJson(kv.value, raw),
        clusterRevision,
        createRevision: kv.createRevision,
        modRevision: kv.modRevision,
        version: kv.version,
        lease: kv.lease ?? null,
        ...(revision ? { readAt: revision } : {}),
      });
    }
    const shown = render(kv.value, raw);
    const rows: [string, string][] = [
      ['Key', kv.key],
      ['Value', shown.summary],
      ['Cluster revision', String(clusterRevision)],
      ['Create revision', String(kv.createRevision)],
      ['Mod revision', String(kv.modRevision)],
      ['Version', String(kv.version)],
      ['Lease', kv.lease ?? 'none'],
    ];
    if (revision) rows.push(['Read at revision', String(revision)]);
    for (const [name, value] of rows) await out.line(`${out.paint('bold', `${name}:`.padEnd(18))}${value}`);
    if (shown.body.length > 0) await out.line();
    for (const line of shown.body) await out.line(line);
  },
};
