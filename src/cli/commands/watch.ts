import { PartitionedWatch, type WatchEvent } from '../../index.js';
import { showValue, valueForHumans, wholeNumber } from '../format.js';
import { limitOption } from '../scan.js';
import type { Command, Context } from '../types.js';

/** One event as a line: type, key, mod revision, version (and the value of a put). */
function eventLine(ctx: Context, ev: WatchEvent): string {
  const type = ev.type === 'put' ? ctx.out.paint('green', 'PUT   ') : ctx.out.paint('red', 'DELETE');
  const counters = ctx.out.paint('dim', `mod_revision=${ev.modRevision} version=${ev.version}`);
  const value = ev.type === 'put' ? ` = ${valueForHumans(ev.value)}` : '';
  return `${type} ${ev.key} ${counters}${value}`;
}

function eventJson(ev: WatchEvent): Record<string, unknown> {
  return {
    type: ev.type,
    key: ev.key,
    modRevision: ev.modRevision,
    createRevision: ev.createRevision,
    version: ev.version,
    ...(ev.type === 'put' ? { ...showValue(ev.value), lease: ev.lease ?? null } : {}),
  };
}

/** `watch <prefix> [--rev N]`: prints changes as they happen, until Ctrl-C (or `--limit` events). */
export const watch: Command = {
  name: 'watch',
  usage: '<prefix> [--rev N]',
  summary: 'print every change under prefix (type, key, mod revision, version) until Ctrl-C',
  args: [1, 1],
  options: {
    rev: { type: 'string', value: 'N', description: 'replay the changes since revision N first' },
    exact: { type: 'boolean', description: 'watch the key itself, not the keys starting with it' },
    limit: { ...limitOption, description: 'stop after N events' },
  },
  async run(ctx) {
    const target = ctx.args[0]!;
    const options = { fromRevision: wholeNumber('--rev', ctx.flags.rev), signal: ctx.signal };
    const limit = wholeNumber('--limit', ctx.flags.limit) ?? Infinity;
    await using watch = ctx.flags.exact ? await ctx.client.watch(target, options) : await ctx.client.watchPrefix(target, options);
    // A prefix spanning partitions has no single revision (see docs/partitions.md).
    const from = watch instanceof PartitionedWatch ? 'now, in every partition' : `revision ${watch.revision + 1}`;
    if (!ctx.out.json && ctx.err.tty) await ctx.err.line(ctx.out.paint('dim', `watching ${target} from ${from} (Ctrl-C to stop)`));
    let seen = 0;
    try {
      for await (const ev of watch) {
        await (ctx.out.json ? ctx.out.data(eventJson(ev)) : ctx.out.line(eventLine(ctx, ev)));
        if (++seen >= limit) break;
      }
    } catch (err) {
      if (!ctx.signal.aborted) throw err; // Ctrl-C is how a watch normally ends
    }
  },
};
