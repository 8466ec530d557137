import type { KeyVersion } from '../../index.js';
import { changeLines, changesSince } from '../changes.js';
import { wholeNumber } from '../format.js';
import type { Command, Context } from '../types.js';
import { rawOption, render, valueJson } from '../values.js';

function versionJson(v: KeyVersion, raw: boolean): Record<string, unknown> {
  return {
    modRevision: v.modRevision,
    createRevision: v.createRevision,
    version: v.version,
    deleted: v.deleted,
    ...(v.deleted ? {} : valueJson(v.value, raw)),
  };
}

/** One line per version, or a block per version when a value reads on several lines. */
async function printVersions(ctx: Context, versions: readonly KeyVersion[], raw: boolean): Promise<void> {
  const { out } = ctx;
  const rendered = versions.map((v) => (v.deleted ? { summary: '', body: [] } : render(v.value, raw)));
  if (rendered.every((r) => r.body.length === 0)) {
    const rows = versions.map((v, i) => [
      String(v.modRevision),
      v.deleted ? '-' : String(v.version),
      v.deleted ? out.paint('red', 'DELETE') : 'PUT',
      rendered[i]!.summary,
    ]);
    return out.table(['MOD REVISION', 'VERSION', 'CHANGE', 'VALUE'], rows);
  }
  for (const [i, v] of versions.entries()) {
    await out.line(`${versionHeader(ctx, v)} ${rendered[i]!.summary}`.trimEnd());
    for (const line of rendered[i]!.body) await out.line(`    ${line}`);
  }
}

function versionHeader({ out }: Context, v: KeyVersion): string {
  const type = v.deleted ? out.paint('red', 'DELETE') : out.paint('green', 'PUT   ');
  return `${type} ${out.paint('dim', `mod_revision=${v.modRevision} version=${v.version}`)}`;
}

async function printDiff(ctx: Context, versions: readonly KeyVersion[], raw: boolean): Promise<void> {
  for (const [i, v] of versions.entries()) {
    await ctx.out.line(versionHeader(ctx, v));
    for (const line of changeLines(ctx.out, versions[i - 1], v, raw)) await ctx.out.line(`    ${line}`);
  }
}

/** `history <key>`: every version of a key still in etcd's history; `--diff`: what changed in each. */
export const history: Command = {
  name: 'history',
  usage: '<key> [--rev N] [--diff] [--raw]',
  summary: 'every change of key still in history (not compacted), oldest first; --diff: the fields each changed',
  args: [1, 1],
  options: {
    rev: { type: 'string', value: 'N', description: 'start at revision N' },
    diff: { type: 'boolean', description: 'per version, the fields (or lines) changed since the version before' },
    raw: rawOption,
  },
  async run(ctx) {
    const { client, out, args, flags, signal } = ctx;
    const key = args[0]!;
    const raw = flags.raw === true;
    const versions = await client.history(key, { fromRevision: wholeNumber('--rev', flags.rev), signal });
    if (out.json) {
      return out.data(
        versions.map((v, i) => ({
          ...versionJson(v, raw),
          ...(flags.diff ? { changes: changesSince(versions[i - 1], v) } : {}),
        })),
      );
    }
    await (flags.diff ? printDiff(ctx, versions, raw) : printVersions(ctx, versions, raw));
    if (versions.length === 0) await out.line(`no history for ${key} (never written, or compacted)`);
  },
};
