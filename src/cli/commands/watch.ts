import type { WatchEvent } from '../../index.js';
import { changeLines, changesSince, type VersionLike } from '../changes.js';
import { wholeNumber } from '../format.js';
import { limitOption } from '../scan.js';
import type { Command, Context } from '../types.js';
import { rawOption, render, valueJson } from '../values.js';

const asVersion = (ev: WatchEvent): VersionLike => ({ ...ev, deleted: ev.type === 'delete' });
const previousOf = (ev: WatchEvent): VersionLike | undefined =>
  ev.previous ? { ...ev.previous, deleted: false } : undefined;

/** One event: type, key, mod revision, version and the value of a put; below it its body, or with --diff its changes. */
function eventLines(ctx: Context, ev: WatchEvent, raw: boolean): string[] {
  const type = ev.type === 'put' ? ctx.out.paint('green', 'PUT   ') : ctx.out.paint('red', 'DELETE');
  const counters = ctx.out.paint('dim', `mod_revision=${ev.modRevision} version=${ev.version}`);
  const head = `${type} ${ev.key} ${counters}`;
  if (ctx.flags.diff) return [head, ...changeLines(ctx.out, previousOf(ev), asVersion(ev), raw).map((l) => `    ${l}`)];
  if (ev.type !== 'put') return [head];
  const shown = render(ev.value, raw);
  return [`${head} = ${shown.summary}`, ...shown.body.map((l) => `    ${l}`)];
}

function eventJson(ctx: Context, ev: WatchEvent, raw: boolean): Record<string, unknown> {
  return {
    type: ev.type,
    key: ev.key,
    modRevision: ev.modRevision,
    createRevision: ev.createRevision,
    version: ev.version,
    ...(ev.type === 'put' ? { ...valueJson(ev.value, raw), lease: ev.lease ?? null } : {}),
    ...(ctx.flags.diff ? { changes: changesSince(previousOf(ev), asVersion(ev)) } : {}),
  };
}

/** `watch <prefix> [--rev N]`: prints changes as they happen, until Ctrl-C (or `--limit` events). */
export const watch: Command = {
  name: 'watch',
  usage: '<prefix> [--rev N] [--diff] [--raw]',
  summary:
    'print every change under prefix (type, key, mod revision, version) until Ctrl-C; --diff: the fields each changed',
  args: [1, 1],
  options: {
    rev: { type: 'string', value: 'N', description: 'replay the changes since revision N first' },
    exact: { type: 'boolean', description: 'watch the key itself, not the keys starting with it' },
    limit: { ...limitOption, description: 'stop after N events' },
    diff: { type: 'boolean', description: 'per change, the fields (or lines) changed since the version before' },
    raw: rawOption,
  },
  async run(ctx) {
    const target = ctx.args[0]!;
    const raw = ctx.flags.raw === true;
    const options = {
      fromRevision: wholeNumber('--rev', ctx.flags.rev),
      signal: ctx.signal,
      prevKV: ctx.flags.diff === true,
      invalidKeys: 'escape' as const,
    };
    const limit = wholeNumber('--limit', ctx.flags.limit) ?? Infinity;
    await using watch = ctx.flags.exact
      ? await ctx.client.watch(target, options)
      : await ctx.client.watchPrefix(target, { ...options, all: target === '' });
    // A prefix spanning partitions has no single revision (see docs/partitions.md).
    const from = 'token' in watch ? 'now, in every partition' : `revision ${watch.revision + 1}`;
    if (!ctx.out.json && ctx.err.tty)
      await ctx.err.line(ctx.out.paint('dim', `watching ${target} from ${from} (Ctrl-C to stop)`));
    let seen = 0;
    try {
      for await (const ev of watch) {
        if (ctx.out.json) await ctx.out.data(eventJson(ctx, ev, raw));
        else for (const line of eventLines(ctx, ev, raw)) await ctx.out.line(line);
        if (++seen >= limit) break;
      }
    } catch (err) {
      if (!ctx.signal.aborted) throw err; // Ctrl-C is how a watch normally ends
    }
  },
};
