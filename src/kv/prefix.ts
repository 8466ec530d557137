import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { countRange, scan, type ScanOptions } from './scan.js';
import { toKeyValue, type KeyValue } from './types.js';

/** Options of operations over a prefix. */
export interface PrefixOptions {
  /** Required to use the empty prefix, which covers every key (of the namespace). */
  all?: boolean;
}

/** Options of paged listings. */
export type ListOptions = ScanOptions & PrefixOptions;

export async function list(core: Core, prefix: string, options: ListOptions = {}): Promise<string[]> {
  const keys: string[] = [];
  const range = core.keys.prefixRange(prefix, options.all);
  for await (const page of scan(core, 'list', range, { ...options, keysOnly: true })) {
    for (const kv of page.kvs) keys.push(core.keys.decode(kv.key));
  }
  return keys;
}

export async function listWithValues(core: Core, prefix: string, options: ListOptions = {}): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  for await (const kv of iterate(core, prefix, options)) entries.set(kv.key, kv.value);
  return entries;
}

export async function* iterate(core: Core, prefix: string, options: ListOptions = {}): AsyncGenerator<KeyValue> {
  const range = core.keys.prefixRange(prefix, options.all);
  for await (const page of scan(core, 'iterate', range, options)) {
    const kvs = page.kvs;
    for (let i = 0; i < kvs.length; i++) {
      const kv = toKeyValue(core, kvs[i]!);
      // Drop each decoded entry once converted: otherwise the whole page (thousands of
      // objects) outlives the young generation's collections while it is consumed, gets
      // promoted, and waits for a full collection. 100,000 keys: ~73 → ~53 MiB growth.
      kvs[i] = undefined as never;
      yield kv;
    }
  }
}

export async function getRange(core: Core, start: string, end: string, options: ScanOptions = {}): Promise<KeyValue[]> {
  const out: KeyValue[] = [];
  for await (const page of scan(core, 'getRange', core.keys.range(start, end), options)) {
    for (const kv of page.kvs) out.push(toKeyValue(core, kv));
  }
  return out;
}

export async function count(core: Core, prefix: string, options: PrefixOptions & CallOptions = {}): Promise<number> {
  return countRange(core, 'count', core.keys.prefixRange(prefix, options.all), options);
}

export async function deletePrefix(core: Core, prefix: string, options: PrefixOptions & CallOptions = {}): Promise<number> {
  const range = core.keys.prefixRange(prefix, options.all);
  const res = await core.caller.run(
    'write',
    { op: 'deletePrefix', key: prefix },
    (grpc) => core.etcd.kv.deleteRange({ key: range.key, range_end: range.rangeEnd }, grpc),
    options,
  );
  return Number(res.deleted);
}

