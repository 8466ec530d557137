import type { KeyValue } from '../index.js';
import { keyInfo, wholeNumber } from './format.js';
import type { Context, OptionSpec } from './types.js';

/** Keys per request when streaming: small enough to keep memory low with large values. */
const PAGE_SIZE = 500;

/**
 * Every key under `prefix` (all keys when it is empty), streamed page by
 * page at one revision, so the keyspace never sits in memory. A key that is
 * not UTF-8 (written by another tool) comes escaped (`/k\xfe`) rather than
 * ending the listing: the CLI is an explorer.
 */
export function keysUnder(ctx: Context, prefix: string | undefined): AsyncIterable<KeyValue> {
  const p = prefix ?? '';
  return ctx.client.iterate(p, { all: p === '', pageSize: PAGE_SIZE, signal: ctx.signal, invalidKeys: 'escape' });
}

/** The `--limit` option of listings. */
export const limitOption: OptionSpec = { type: 'string', value: 'N', description: 'stop after N keys' };

/**
 * Prints the keys `source` yields that pass `keep`: one key per line, or a
 * JSON array of key metadata streamed item by item.
 */
export async function printKeys(
  ctx: Context,
  source: AsyncIterable<KeyValue>,
  keep: (key: string) => boolean,
): Promise<number> {
  const limit = wholeNumber('--limit', ctx.flags.limit) ?? Infinity;
  const array = ctx.out.json ? ctx.out.jsonArray() : undefined;
  let shown = 0;
  try {
    for await (const kv of source) {
      if (shown >= limit) break;
      if (!keep(kv.key)) continue;
      shown++;
      if (array) await array.push(keyInfo(kv));
      else await ctx.out.line(kv.key);
    }
  } finally {
    // Closed after an error too: stdout stays valid JSON, the error goes to stderr.
    await array?.end();
  }
  return shown;
}
