import type { Backend, Cluster } from '../backend/index.js';
import type { Core } from '../core/core.js';
import { ValidationError } from '../errors/index.js';
import { inPartitionOf, partitionLabel } from '../errors/partition-label.js';
import { prefixEnd, type RawRange } from '../keys/index.js';
import * as kv from '../kv/index.js';
import { clusterOf, soleCluster } from './route.js';
import type { PartitionTable, Segment } from './table.js';

/** What the segmented calls need: the layout and each partition's cluster. */
export interface Partitions {
  readonly table: PartitionTable;
  readonly clusters: ReadonlyMap<string, Cluster>;
}

/** The etcd range of `segment` in its partition's cluster (under that cluster's namespace). */
export function rawRange(core: Core, segment: Segment): RawRange {
  const ns = core.keys.prefix;
  const key = Buffer.concat([ns, segment.start]);
  const rangeEnd = segment.end === null ? prefixEnd(ns) : Buffer.concat([ns, segment.end]);
  return { key: key.length === 0 ? Buffer.from([0]) : key, rangeEnd };
}

/** The segments under `prefix`, after the same checks a single cluster makes. */
export function segmentsOf(
  parts: Partitions,
  prefix: string,
  options: kv.PrefixOptions & { revision?: number },
): Segment[] {
  if (typeof prefix !== 'string') throw new ValidationError(`prefix must be a string, got ${typeof prefix}`);
  if (prefix.length === 0 && options.all !== true) {
    throw new ValidationError('empty prefix refused: it covers every key; pass { all: true } to mean that');
  }
  const segments = parts.table.spanPrefix(prefix);
  checkOneRevision(segments, options.revision);
  return segments;
}

/** A revision number means something in one cluster only. */
function checkOneRevision(segments: readonly Segment[], revision: number | undefined): void {
  const partitions = new Set(segments.map((s) => s.partition));
  if (revision !== undefined && partitions.size > 1) {
    throw new ValidationError(
      `revision ${revision} cannot apply to ${partitions.size} partitions: each cluster has its own revisions`,
    );
  }
}

/** The ranges the listings of kv/prefix.ts read: each segment in its partition's cluster, errors labelled with it. */
function toSegments(parts: Partitions, segments: readonly Segment[]): kv.Segments {
  const ranges = segments.map((s) => {
    const core = parts.clusters.get(s.partition)!.core;
    return { cluster: s.partition, core, range: rawRange(core, s) };
  });
  return { ranges, inCluster: inPartitionOf, name: partitionLabel };
}

/** The ranges under `prefix` over the partitions it spans, in key order. */
export function prefixSegments(
  parts: Partitions,
  prefix: string,
  options: kv.PrefixOptions & { revision?: number },
): kv.Segments {
  return toSegments(parts, segmentsOf(parts, prefix, options));
}

/** The ranges of `[start, end)` over the partitions it spans, in key order. */
export function rangeSegments(
  parts: Partitions,
  start: string,
  end: string,
  options: { revision?: number },
): kv.Segments {
  if (typeof start !== 'string' || typeof end !== 'string') throw new ValidationError('start and end must be strings');
  const segments = parts.table.spanRange(Buffer.from(start, 'utf8'), end === '' ? null : Buffer.from(end, 'utf8'));
  checkOneRevision(segments, options.revision);
  return toSegments(parts, segments);
}

/**
 * Reads `keys`: in one cluster, as `kv.getMany` does; over partitions,
 * grouped by partition, the groups in parallel, each in its cluster's
 * read-only transactions, with `revisions` listing every cluster's.
 * @throws {@link ValidationError} for a `revision` when the keys span partitions.
 */
export async function getMany(
  backend: Backend,
  keys: Iterable<string>,
  options: kv.GetManyOptions = {},
): Promise<kv.GetManyResult> {
  const sole = soleCluster(backend);
  if (sole) return kv.getMany(sole.core, keys, options);
  const groups = new Map<string, string[]>();
  for (const key of kv.distinctKeys(keys)) {
    const p = backend.partitionOf(key);
    groups.set(p, [...(groups.get(p) ?? []), key]);
  }
  if (options.revision !== undefined && groups.size > 1) {
    throw new ValidationError(
      `revision ${options.revision} cannot apply to ${groups.size} partitions: each cluster has its own revisions`,
    );
  }
  const results = await Promise.all(
    [...groups].map(([p, ks]) => backend.within(p, () => kv.getMany(clusterOf(backend, p).core, ks, options))),
  );
  return kv.manyResult(
    results.flatMap((r) => [...r]),
    results.flatMap((r) => r.revisions),
  );
}
