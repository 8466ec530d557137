import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import type { RawRange } from '../keys/index.js';
import { countRange, scan, type ScanOptions } from './scan.js';
import { toKeyValue, type KeyValue } from './types.js';
import {
  compareFor,
  descendingKeys,
  sortsByContent,
  type ConsistencyOptions,
  type RangeOptions,
} from './range-options.js';

/** Options of operations over a prefix. */
export interface PrefixOptions {
  /** Required to use the empty prefix, which covers every key (of the namespace). */
  all?: boolean;
}

/** Options of paged listings. */
export type ListOptions = ScanOptions & PrefixOptions;

/** One etcd range of one cluster; `cluster` names the cluster (a partition's prefix, `''` for one cluster). */
export interface ClusterRange {
  readonly cluster: string;
  readonly core: Core;
  readonly range: RawRange;
}

/**
 * What a listing reads: disjoint ranges in key order, so that concatenating
 * their results gives key order. A single cluster is the one-range case; a
 * partitioned keyspace has one range per partition piece.
 */
export interface Segments {
  readonly ranges: readonly ClusterRange[];
  /** Runs the work of one cluster, naming the cluster in what it throws. */
  inCluster<T>(cluster: string, fn: () => Promise<T>): Promise<T>;
  /** Names a cluster in a message (for partial failures). */
  name(cluster: string): string;
}

/** The segments of one range of one cluster: nothing to route, nothing to relabel. */
export function oneCluster(core: Core, range: RawRange): Segments {
  return { ranges: [{ cluster: '', core, range }], inCluster: (_cluster, fn) => fn(), name: () => 'the cluster' };
}

/** The indexes of `ranges` grouped by cluster, in order of first appearance. */
export function byCluster(ranges: readonly ClusterRange[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const [i, r] of ranges.entries()) groups.set(r.cluster, [...(groups.get(r.cluster) ?? []), i]);
  return groups;
}

type Raw = Parameters<typeof toKeyValue>[1];

/**
 * Reads every range, clusters in parallel, each cluster's ranges at one
 * revision (its first page's), and returns the results in the order asked:
 * range order for key order, merged across ranges for any other sort, cut
 * to `limit` overall.
 */
async function collect<T>(
  segments: Segments,
  op: string,
  options: ScanOptions & { keysOnly?: boolean },
  map: (core: Core, kv: Raw) => T,
): Promise<T[]> {
  const { ranges } = segments;
  const out: { core: Core; kv: Raw }[][] = ranges.map(() => []);
  await Promise.all(
    [...byCluster(ranges)].map(([cluster, indexes]) =>
      segments.inCluster(cluster, async () => {
        let pinned = options.revision;
        for (const i of indexes) {
          const { core, range } = ranges[i]!;
          for await (const page of scan(core, op, range, { ...options, revision: pinned })) {
            pinned ??= page.revision;
            for (const kv of page.kvs) out[i]!.push({ core, kv });
          }
        }
      }),
    ),
  );
  return ordered(out, options).map((e) => map(e.core, e.kv));
}

/** The results of several ranges (each already sorted and limited) in the order `options` ask for. */
function ordered<E extends { kv: Raw }>(perRange: E[][], options: RangeOptions): E[] {
  if (perRange.length === 1) return perRange[0]!;
  let all: E[];
  if (sortsByContent(options)) {
    const compare = compareFor(options);
    all = perRange.flat().sort((a, b) => compare(a.kv, b.kv));
  } else {
    all = (descendingKeys(options) ? [...perRange].reverse() : perRange).flat();
  }
  return options.limit === undefined ? all : all.slice(0, options.limit);
}

export async function listSegments(segments: Segments, options: ListOptions = {}): Promise<string[]> {
  return collect(segments, 'list', { ...options, keysOnly: true }, (core, kv) =>
    core.keys.decode(kv.key, options.invalidKeys),
  );
}

export async function listWithValuesSegments(
  segments: Segments,
  options: ListOptions = {},
): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  for await (const kv of iterateSegments(segments, options)) entries.set(kv.key, kv.value);
  return entries;
}

/**
 * Streams the ranges one after the other (the merge of the clusters' streams,
 * since the ranges are disjoint and sorted); each cluster is read at one
 * revision, memory bounded by a page. Any order but ascending keys over
 * several ranges needs every range first: it is collected, then streamed.
 */
export async function* iterateSegments(segments: Segments, options: ListOptions = {}): AsyncGenerator<KeyValue> {
  if (segments.ranges.length > 1 && (sortsByContent(options) || descendingKeys(options))) {
    yield* await collect(segments, 'iterate', options, (core, kv) => toKeyValue(core, kv, options.invalidKeys));
    return;
  }
  const pinned = new Map<string, number>();
  let left = options.limit ?? Number.POSITIVE_INFINITY;
  for (const { cluster, core, range } of segments.ranges) {
    if (left <= 0) return;
    const limit = Number.isFinite(left) ? left : undefined;
    const pages = scan(core, 'iterate', range, {
      ...options,
      limit,
      revision: pinned.get(cluster) ?? options.revision,
    });
    const it = pages[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await segments.inCluster(cluster, () => it.next());
        if (next.done) break;
        pinned.set(cluster, next.value.revision);
        const kvs = next.value.kvs;
        left -= kvs.length;
        for (let i = 0; i < kvs.length; i++) {
          const kv = toKeyValue(core, kvs[i]!, options.invalidKeys);
          // Drop each decoded entry once converted: otherwise the whole page (thousands of
          // objects) outlives the young generation's collections while it is consumed, gets
          // promoted, and waits for a full collection. 100,000 keys: ~73 → ~53 MiB growth.
          kvs[i] = undefined as never;
          yield kv;
        }
      }
    } finally {
      // A consumer that stops early (break, return, throw) ends the page reader too, as for-await would.
      await it.return?.(undefined);
    }
  }
}

export async function getRangeSegments(segments: Segments, options: ScanOptions = {}): Promise<KeyValue[]> {
  return collect(segments, 'getRange', options, (core, kv) => toKeyValue(core, kv, options.invalidKeys));
}

export async function countSegments(
  segments: Segments,
  options: PrefixOptions & CallOptions & ConsistencyOptions = {},
): Promise<number> {
  const counts = await Promise.all(
    segments.ranges.map((r) => segments.inCluster(r.cluster, () => countRange(r.core, 'count', r.range, options))),
  );
  return counts.reduce((a, b) => a + b, 0);
}
