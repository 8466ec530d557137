import type { KeyValue } from '../../index.js';
import { keysUnder } from '../scan.js';
import { UsageError, type Command, type Context } from '../types.js';
import { structured } from '../values.js';

const REGISTRY = '/registry/';

/** Where a custom resource sits: `/registry/<group>/<plural>/[<namespace>/]<name>`. */
export interface CustomKey {
  readonly group: string;
  readonly plural: string;
  readonly namespace: string | undefined;
  readonly name: string;
}

/** A key under `/registry/` whose group has a dot (custom resources live there), else `undefined`. */
export function customKey(key: string): CustomKey | undefined {
  if (!key.startsWith(REGISTRY)) return undefined;
  const parts = key.slice(REGISTRY.length).split('/');
  const [group, plural] = parts;
  if (!group?.includes('.') || !plural || parts.length < 3 || parts.length > 4) return undefined;
  const namespace = parts.length === 4 ? parts[2] : undefined;
  const name = parts.at(-1)!;
  return name ? { group, plural, namespace, name } : undefined;
}

/** Whether `wanted` (`plural` or `plural.group`) names the type of `k`. */
export function typeMatches(k: Pick<CustomKey, 'group' | 'plural'>, wanted: string): boolean {
  return wanted === k.plural || wanted === `${k.plural}.${k.group}`;
}

/** Every custom resource type with its object count, from the keys alone (values are not read). */
async function typesUnder(ctx: Context): Promise<{ group: string; plural: string; count: number }[]> {
  const types = new Map<string, { group: string; plural: string; count: number }>();
  for (const key of await ctx.client.list(REGISTRY, { signal: ctx.signal, invalidKeys: 'escape' })) {
    const k = customKey(key);
    if (!k) continue;
    const id = `${k.plural}.${k.group}`;
    const t = types.get(id) ?? { group: k.group, plural: k.plural, count: 0 };
    t.count++;
    types.set(id, t);
  }
  return [...types.values()].sort((a, b) => (a.group + a.plural < b.group + b.plural ? -1 : 1));
}

async function listTypes(ctx: Context): Promise<void> {
  const sorted = await typesUnder(ctx);
  if (ctx.out.json) return ctx.out.data(sorted.map((t) => ({ type: `${t.plural}.${t.group}`, ...t })));
  if (sorted.length === 0) return ctx.out.line(`no custom resources under ${REGISTRY} (groups whose name has a dot)`);
  await ctx.out.table(
    ['GROUP', 'TYPE', 'OBJECTS', 'PREFIX'],
    sorted.map((t) => [t.group, t.plural, String(t.count), `${REGISTRY}${t.group}/${t.plural}/`]),
  );
}

function objectRow(k: CustomKey, kv: KeyValue) {
  const decoded = structured(kv.value);
  const apiVersion = decoded?.format === 'json' || decoded?.format === 'protobuf' ? (decoded.apiVersion ?? null) : null;
  return {
    type: `${k.plural}.${k.group}`,
    namespace: k.namespace ?? null,
    name: k.name,
    key: kv.key,
    apiVersion,
    version: kv.version,
    modRevision: kv.modRevision,
    createRevision: kv.createRevision,
  };
}

async function listObjects(ctx: Context, wanted: string): Promise<number> {
  const rows: ReturnType<typeof objectRow>[] = [];
  const matching = (await typesUnder(ctx)).filter((t) => typeMatches(t, wanted));
  // Only the matching types' prefixes are read with their values.
  for (const t of matching) {
    for await (const kv of keysUnder(ctx, `${REGISTRY}${t.group}/${t.plural}/`)) {
      const k = customKey(kv.key);
      if (k && typeMatches(k, wanted)) rows.push(objectRow(k, kv));
    }
  }
  if (ctx.out.json) {
    await ctx.out.data(rows);
  } else if (rows.length === 0) {
    await ctx.err.line(`no objects of custom resource type ${wanted} (see etcdkit custom)`);
  } else {
    const several = new Set(rows.map((r) => r.type)).size > 1;
    await ctx.out.table(
      [...(several ? ['TYPE'] : []), 'NAMESPACE', 'NAME', 'API VERSION', 'VERSION', 'MOD REVISION'],
      rows.map((r) => [
        ...(several ? [r.type] : []),
        r.namespace ?? '-',
        r.name,
        r.apiVersion ?? '-',
        String(r.version),
        String(r.modRevision),
      ]),
    );
  }
  return rows.length > 0 ? 0 : 1;
}

/** `custom [type]`: custom resource types with their object counts, or the objects of one type. */
export const custom: Command = {
  name: 'custom',
  usage: '[type]',
  summary: 'custom resource types under /registry/ with object counts; with type (plural or plural.group): its objects',
  args: [0, 1],
  async run(ctx) {
    const wanted = ctx.args[0];
    if (wanted === undefined) return listTypes(ctx);
    if (wanted === '' || wanted.includes('/'))
      throw new UsageError(`a type is a plural or plural.group, got '${wanted}'`);
    return listObjects(ctx, wanted);
  },
};
