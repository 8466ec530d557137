import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatBytes } from '../format.js';
import { ProgressBar } from '../progress.js';
import { UsageError, type Command, type Context } from '../types.js';

/** Streams a snapshot to `<file>.part`, then renames it, so `file` is never a partial snapshot. */
async function save(ctx: Context, file: string): Promise<void> {
  const path = resolve(ctx.cwd, file);
  const partial = `${path}.part`;
  const bar = new ProgressBar(ctx.err, 'snapshot');
  let result;
  try {
    result = await ctx.client.snapshotTo(createWriteStream(partial), {
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.received, p.total),
    });
    bar.update(result.bytes, result.bytes, true);
    bar.clear();
    await rename(partial, path);
  } catch (err) {
    bar.clear();
    await rm(partial, { force: true });
    throw err;
  }
  if (ctx.out.json) return ctx.out.data({ file: path, ...result });
  await ctx.out.line(`snapshot saved to ${path}`);
  await ctx.out.line(`  size:     ${formatBytes(result.bytes)} (${result.bytes} bytes)`);
  await ctx.out.line(`  sha256:   ${result.sha256}`);
  await ctx.out.line(`  checksum: ${result.verified ? "matches the server's" : 'none sent by the server'}`);
}

/** `snapshot save <file>`: a backup of the database, with progress and checksum. */
export const snapshot: Command = {
  name: 'snapshot',
  usage: 'save <file>',
  summary: 'save a snapshot of the database to file (progress on a terminal, sha256 checksum)',
  args: [2, 2],
  async run(ctx) {
    const [action, file] = ctx.args as [string, string];
    if (action !== 'save') throw new UsageError(`unknown snapshot action '${action}': etcdkit snapshot save <file>`);
    await save(ctx, file);
  },
};
