import type { DefragmentResult, RollingDefragmentResult } from '../../index.js';
import { formatBytes, ratio as parseRatio } from '../format.js';
import { UsageError, type Command, type Context } from '../types.js';

async function report(
  out: Context['out'],
  results: ReadonlyArray<DefragmentResult & Partial<RollingDefragmentResult>>,
): Promise<void> {
  if (out.json) return out.data(results);
  const rows = results.map((r) => [
    r.endpoint,
    r.memberId,
    formatBytes(r.dbSizeBefore),
    formatBytes(r.dbSizeAfter),
    r.skipped ? `skipped (${r.skipped})` : r.isLeader ? 'defragmented (leader)' : 'defragmented',
  ]);
  await out.table(['ENDPOINT', 'MEMBER', 'BEFORE', 'AFTER', 'RESULT'], rows);
}

/** `defrag [--endpoint E | --all]`: reclaims the space freed by compaction. */
export const defrag: Command = {
  name: 'defrag',
  usage: '[--endpoint E | --all [--min-free-ratio R]]',
  summary:
    'defragment the configured endpoints, one endpoint, or every member in turn (--all: followers first, leader last)',
  args: [0, 0],
  options: {
    endpoint: { type: 'string', value: 'E', description: 'defragment this endpoint only' },
    all: { type: 'boolean', description: 'every member, one at a time, waiting for each to be healthy again' },
    'min-free-ratio': {
      type: 'string',
      value: 'R',
      description: 'with --all: skip members with less free space than R (0 to 1)',
    },
  },
  async run({ client, out, err, flags, signal }) {
    if (flags.all && typeof flags.endpoint === 'string')
      throw new UsageError('defrag: --endpoint and --all exclude each other');
    const ratio = parseRatio('--min-free-ratio', flags['min-free-ratio']);
    if (!flags.all) {
      const endpoint = typeof flags.endpoint === 'string' ? flags.endpoint : undefined;
      return report(out, await client.maintenance.defragment({ signal, ...(endpoint ? { endpoint } : {}) }));
    }
    const results = await client.maintenance.defragmentAll({
      signal,
      ...(ratio === undefined ? {} : { minFreeRatio: ratio }),
      onProgress: (p) => {
        if (!err.tty || err.json) return;
        const where = `[${p.index + 1}/${p.total}] ${p.endpoint}`;
        if (p.phase === 'start') void err.line(`${where}: defragmenting…`);
        else if (p.phase === 'skipped') void err.line(`${where}: skipped (${p.result?.skipped})`);
        else
          void err.line(
            `${where}: ${formatBytes(p.result!.dbSizeBefore)} → ${formatBytes(p.result!.dbSizeAfter)} in ${p.result!.durationMs} ms`,
          );
      },
    });
    await report(out, results);
  },
};
