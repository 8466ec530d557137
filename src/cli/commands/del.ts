import { isUtf8 } from 'node:buffer';
import { bytesToText } from '../escape.js';
import { UsageError, type Command, type Context } from '../types.js';

/**
 * The key `del --hex` names, and whether it is in escaped form: a key that is
 * not UTF-8 (written by another tool) is deleted by its bytes.
 */
function hexKey(text: string): { key: string; escapedKey: boolean } {
  if (!/^([0-9a-f]{2})+$/i.test(text)) throw new UsageError(`--hex takes the key's bytes in hex, got '${text}'`);
  const bytes = Buffer.from(text, 'hex');
  return { key: bytesToText(bytes), escapedKey: !isUtf8(bytes) };
}

async function deleteOne(ctx: Context, given: string): Promise<void> {
  const { key, escapedKey } = ctx.flags.hex ? hexKey(given) : { key: given, escapedKey: false };
  if (key === '') throw new UsageError('the key must not be empty');
  const deleted = await ctx.client.delete(key, { signal: ctx.signal, escapedKey });
  if (ctx.out.json) return ctx.out.data({ key, deleted });
  await ctx.out.line(`deleted ${deleted} key${deleted === 1 ? '' : 's'}`);
}

/** `del <key> [--prefix | --hex]`: deletes a key, or every key under a prefix; `del --all`: every key. */
export const del: Command = {
  name: 'del',
  usage: '<key> [--prefix | --hex] | --all',
  summary: 'delete key, or with --prefix every key starting with it; --all: every key (in --namespace)',
  args: [0, 1],
  options: {
    prefix: { type: 'boolean', description: 'delete every key starting with the argument' },
    hex: {
      type: 'boolean',
      description: "the argument is the key's bytes in hex (for a key that is not UTF-8, shown as \\xHH)",
    },
    all: { type: 'boolean', description: 'delete every key (every key under --namespace when given)' },
  },
  async run(ctx) {
    const { client, out, args, flags, signal } = ctx;
    const all = flags.all === true;
    if (all && args.length > 0) throw new UsageError('del --all takes no key: it deletes every key');
    if (!all && args.length === 0) throw new UsageError('del takes a key: etcdkit del <key> [--prefix] | --all');
    if (flags.hex && (all || flags.prefix))
      throw new UsageError('del --hex deletes one key: not with --prefix or --all');
    if (!all && !flags.prefix) return deleteOne(ctx, args[0]!);
    const prefix = args[0] ?? '';
    // An empty prefix would cover every key: that must be asked for by name.
    if (!all && prefix === '') throw new UsageError('an empty prefix covers every key; to delete every key pass --all');
    const deleted = await client.deletePrefix(prefix, { signal, all });
    if (out.json) return out.data({ prefix, deleted });
    await out.line(`deleted ${deleted} key${deleted === 1 ? '' : 's'}`);
  },
};
