import type { PartitionedWatch, Watch, WatchEvent } from '../../index.js';
import { ChurnTable, type KeyChurn } from '../churn-stats.js';
import { durationMs, wholeNumber } from '../format.js';
import { keysUnder, limitOption } from '../scan.js';
import { UsageError, type Command, type Context } from '../types.js';

type AnyWatch = Watch | PartitionedWatch<WatchEvent>;

function record(table: ChurnTable, ev: WatchEvent): void {
  const key = table.of(ev.key);
  if (ev.previous) key.start(ev.previous.value);
  key.write(ev.modRevision, ev.type === 'put' ? ev.value : undefined);
}

/** Watches the prefix live for `ms` (or until Ctrl-C). */
async function live(ctx: Context, prefix: string, ms: number, table: ChurnTable): Promise<void> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  const onAbort = () => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  if (!ctx.out.json && ctx.err.tty)
    await ctx.err.line(ctx.err.paint('dim', `watching ${prefix} for ${ms / 1000}s (Ctrl-C to stop early)`));
  try {
    await using watch = await ctx.client.watchPrefix(prefix, {
      prevKV: true,
      signal: stop.signal,
      all: prefix === '',
      invalidKeys: 'escape',
    });
    for await (const ev of watch) record(table, ev);
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

// With only deletions after the start revision there is no write to wait for:
// the replay is taken as complete after this long without an event.
const QUIET_MS = 1000;

/**
 * Replays the changes since `from` up to the last write of a key that exists
 * now (etcd keeps no timestamps, so there is no rate, only counts).
 */
async function replay(ctx: Context, prefix: string, from: number, table: ChurnTable): Promise<number> {
  const end = await ctx.client.revision({ signal: ctx.signal });
  let last = 0;
  for await (const kv of keysUnder(ctx, prefix)) last = Math.max(last, kv.modRevision);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let quiet: NodeJS.Timeout | undefined;
  const idle = () => (clearTimeout(quiet), (quiet = setTimeout(() => stop.abort(), QUIET_MS)));
  try {
    await using watch: AnyWatch = await ctx.client.watchPrefix(prefix, {
      fromRevision: from,
      prevKV: true,
      signal: stop.signal,
      all: prefix === '',
      invalidKeys: 'escape',
    });
    if (last < from) idle();
    for await (const ev of watch) {
      if (ev.modRevision > end) break;
      record(table, ev);
      const pending = 'token' in watch ? 0 : watch.pending;
      if (ev.modRevision >= end || (ev.modRevision >= last && pending === 0)) break;
      if (last < from) idle();
    }
  } catch (err) {
    if (!stop.signal.aborted || ctx.signal.aborted) throw err;
  } finally {
    clearTimeout(quiet);
    ctx.signal.removeEventListener('abort', onAbort);
  }
  return end;
}

function keyJson(k: KeyChurn, minutes: number | undefined) {
  return {
    key: k.key,
    writes: k.writes,
    perMinute: minutes === undefined ? null : Number((k.writes / minutes).toFixed(1)),
    puts: k.puts,
    deletes: k.deletes,
    firstRevision: k.firstRevision,
    lastRevision: k.lastRevision,
    flipping: k.flipping(),
  };
}

const shortValue = (v: unknown) => {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 24 ? `${s.slice(0, 23)}…` : s;
};

async function print(ctx: Context, keys: ReturnType<typeof keyJson>[], span: string): Promise<void> {
  if (keys.length === 0) return ctx.out.line(`no writes ${span}`);
  const rows = keys.map((k) => [
    String(k.writes),
    k.perMinute === null ? '-' : k.perMinute.toFixed(1),
    k.key,
    k.flipping
      .slice(0, 3)
      .map((f) => `${f.path} (${f.values.map(shortValue).join(' ⇄ ')}; ${f.changes} changes)`)
      .join(', ') || '-',
  ]);
  await ctx.out.table(['WRITES', 'PER MIN', 'KEY', 'FLIPPING FIELDS'], rows);
  await ctx.out.line(ctx.out.paint('dim', `${keys.length} keys written ${span}`));
}

/** `churn <prefix> [--for 60s] [--rev N]`: keys ranked by writes, with the fields that go back and forth. */
export const churn: Command = {
  name: 'churn',
  usage: '<prefix> [--for 60s | --rev N]',
  summary: 'keys under prefix ranked by writes per minute, with the fields that flip back and forth',
  args: [1, 1],
  options: {
    for: { type: 'string', value: 'DURATION', description: 'watch this long, e.g. 60s, 5m (default 60s)' },
    rev: {
      type: 'string',
      value: 'N',
      description: 'instead of watching, count the writes from revision N up to now (no rate: etcd keeps no times)',
    },
    limit: { ...limitOption, description: 'show only the N busiest keys' },
  },
  async run(ctx) {
    const prefix = ctx.args[0]!;
    const from = wholeNumber('--rev', ctx.flags.rev);
    if (from !== undefined && ctx.flags.for !== undefined) throw new UsageError('churn takes --for or --rev, not both');
    const ms = durationMs('--for', ctx.flags.for) ?? 60_000;
    const limit = wholeNumber('--limit', ctx.flags.limit) ?? Infinity;
    const table = new ChurnTable();
    const started = Date.now();
    const end =
      from === undefined ? (await live(ctx, prefix, ms, table), undefined) : await replay(ctx, prefix, from, table);
    const minutes = from === undefined ? Math.max(Date.now() - started, 1) / 60_000 : undefined;
    const keys = table
      .ranked()
      .slice(0, limit)
      .map((k) => keyJson(k, minutes));
    const span = from === undefined ? `in ${((minutes ?? 0) * 60).toFixed(0)}s` : `from revision ${from} to ${end}`;
    if (ctx.out.json) {
      await ctx.out.data({
        prefix,
        fromRevision: from ?? null,
        toRevision: end ?? null,
        seconds: minutes === undefined ? null : minutes * 60,
        keys,
      });
    } else await print(ctx, keys, span);
    // Ctrl-C ends a live watch early: the counts so far are printed, and the exit code says it was interrupted.
    return ctx.signal.aborted ? 130 : 0;
  },
};
