import type { IKeyValue } from 'etcd3';
import type { Client } from '../client.js';
import type { CallOptions } from '../core/call.js';
import type { Core } from '../core/core.js';
import { PartialWriteError, ValidationError } from '../errors/index.js';
import { prefixEnd, type RawRange } from '../keys/index.js';
import { countRange, scan, toKeyValue, type KeyValue, type ListOptions, type PrefixOptions, type ScanOptions } from '../kv/index.js';
import type { PartitionTable, Segment } from './table.js';
import { inPartition, inPartitionOf, partitionLabel } from '../errors/partition-label.js';

/** What the fan-out reads need: the layout and each partition's client. */
export interface Partitions {
  readonly table: PartitionTable;
  client(partition: string): Client;
}

/** The etcd range of `segment` in its partition's cluster (under that cluster's namespace). */
export function rawRange(core: Core, segment: Segment): RawRange {
  const ns = core.keys.prefix;
  const key = Buffer.concat([ns, segment.start]);
  const rangeEnd = segment.end === null ? prefixEnd(ns) : Buffer.concat([ns, segment.end]);
  return { key: key.length === 0 ? Buffer.from([0]) : key, rangeEnd };
}

/** The segments under `prefix`, after the same checks a single cluster makes. */
export function segmentsOf(parts: Partitions, prefix: string, options: PrefixOptions & { revision?: number }): Segment[] {
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

/**
 * Reads every segment, partitions in parallel, each partition's segments at
 * one revision (its first page's), and returns the results per segment, so
 * that concatenating them gives key order: the segments are disjoint and sorted.
 */
async function collect<T>(
  parts: Partitions,
  op: string,
  segments: readonly Segment[],
  options: ScanOptions & { keysOnly?: boolean },
  map: (core: Core, kv: IKeyValue) => T,
): Promise<T[]> {
  const out: T[][] = segments.map(() => []);
  const byPartition = new Map<string, number[]>();
  segments.forEach((s, i) => byPartition.set(s.partition, [...(byPartition.get(s.partition) ?? []), i]));
  await Promise.all(
    [...byPartition].map(([partition, indexes]) =>
      inPartitionOf(partition, async () => {
        const core = parts.client(partition).core;
        let pinned = options.revision;
        for (const i of indexes) {
          for await (const page of scan(core, op, rawRange(core, segments[i]!), { ...options, revision: pinned })) {
            pinned ??= page.revision;
            for (const kv of page.kvs) out[i]!.push(map(core, kv));
          }
        }
      }),
    ),
  );
  return out.flat();
}

export async function list(parts: Partitions, prefix: string, options: ListOptions = {}): Promise<string[]> {
  const segments = segmentsOf(parts, prefix, options);
  return collect(parts, 'list', segments, { ...options, keysOnly: true }, (core, kv) => core.keys.decode(kv.key));
}

export async function listWithValues(parts: Partitions, prefix: string, options: ListOptions = {}): Promise<Map<string, Buffer>> {
  const segments = segmentsOf(parts, prefix, options);
  const kvs = await collect(parts, 'listWithValues', segments, options, toKeyValue);
  return new Map(kvs.map((kv) => [kv.key, kv.value]));
}

/**
 * Streams the keys under `prefix` in key order, one segment after the other
 * (segments are disjoint and sorted, so this is the merge of the partitions'
 * streams); each partition is read at one revision, memory bounded by a page.
 */
export async function* iterate(parts: Partitions, prefix: string, options: ListOptions = {}): AsyncGenerator<KeyValue> {
  const segments = segmentsOf(parts, prefix, options);
  const pinned = new Map<string, number>();
  for (const segment of segments) {
    const core = parts.client(segment.partition).core;
    const revision = pinned.get(segment.partition) ?? options.revision;
    try {
      for await (const page of scan(core, 'iterate', rawRange(core, segment), { ...options, revision })) {
        pinned.set(segment.partition, page.revision);
        for (const kv of page.kvs) yield toKeyValue(core, kv);
      }
    } catch (err) {
      throw inPartition(segment.partition, err);
    }
  }
}

export async function getRange(parts: Partitions, start: string, end: string, options: ScanOptions = {}): Promise<KeyValue[]> {
  if (typeof start !== 'string' || typeof end !== 'string') throw new ValidationError('start and end must be strings');
  const segments = parts.table.spanRange(Buffer.from(start, 'utf8'), end === '' ? null : Buffer.from(end, 'utf8'));
  checkOneRevision(segments, options.revision);
  return collect(parts, 'getRange', segments, options, toKeyValue);
}

export async function count(parts: Partitions, prefix: string, options: PrefixOptions & CallOptions = {}): Promise<number> {
  const counts = await Promise.all(
    segmentsOf(parts, prefix, options).map((s) =>
      inPartitionOf(s.partition, () => {
        const core = parts.client(s.partition).core;
        return countRange(core, 'count', rawRange(core, s), options);
      }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Deletes under `prefix` partition by partition, in key order; within one
 * partition in one transaction. Not atomic across partitions: a failure after
 * some partitions were cleared is a {@link PartialWriteError} (its `total` is
 * NaN: how many keys the failed partition held is unknown).
 */
export async function deletePrefix(parts: Partitions, prefix: string, options: PrefixOptions & CallOptions = {}): Promise<number> {
  const byPartition = new Map<string, Segment[]>();
  for (const s of segmentsOf(parts, prefix, options)) byPartition.set(s.partition, [...(byPartition.get(s.partition) ?? []), s]);
  let deleted = 0;
  const done: string[] = [];
  for (const [partition, segments] of byPartition) {
    try {
      deleted += await inPartitionOf(partition, () => deleteSegments(parts.client(partition).core, prefix, segments, options));
      done.push(partitionLabel(partition));
    } catch (err) {
      if (deleted === 0) throw err; // nothing changed yet: the failure says it all
      const message = `deletePrefix '${prefix}': ${deleted} keys deleted in ${done.join(', ')}, then: ${(err as Error).message}`;
      throw new PartialWriteError(message, deleted, Number.NaN, { cause: err });
    }
  }
  return deleted;
}

async function deleteSegments(core: Core, prefix: string, segments: Segment[], options: CallOptions): Promise<number> {
  const success = segments.map((s) => {
    const r = rawRange(core, s);
    return { request_delete_range: { key: r.key, range_end: r.rangeEnd } };
  });
  const res = await core.caller.run('write', { op: 'deletePrefix', key: prefix }, (grpc) => core.etcd.kv.txn({ success }, grpc), options);
  return res.responses.reduce((n, r) => n + Number(r.response_delete_range?.deleted ?? 0), 0);
}
