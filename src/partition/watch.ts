import type { Backend } from '../backend/index.js';
import type { PartitionWatchOptions } from '../backend/index.js';
import { currentRevision } from '../admin/index.js';
import type { Core } from '../core/core.js';
import { ValidationError } from '../errors/index.js';
import { Watch, type PrefixWatchOptions, type WatchEvent } from '../watch/index.js';
import { PartitionedWatch, type EventSource } from '../watch/merged.js';
import { legsOf } from './route.js';

/**
 * Watches every key under `prefix`: the owning cluster's own {@link Watch}
 * when the prefix lies in one partition (always, in one cluster), else the
 * merged watch of every partition it spans.
 */
export async function watchPrefix(
  backend: Backend,
  prefix: string,
  options: PrefixWatchOptions = {},
): Promise<Watch | PartitionedWatch<WatchEvent>> {
  const legs = legsOf(backend, prefix, options);
  if (legs.length > 1) return watchPartitioned(backend, prefix, options);
  const { partition, cluster } = legs[0]!;
  return backend.within(partition, async () => openPrefix(cluster.core, prefix, options));
}

/** Always the merged watch (with a resume token), even within one partition or one cluster. */
export async function watchPartitioned(
  backend: Backend,
  prefix: string,
  options: PrefixWatchOptions & PartitionWatchOptions = {},
): Promise<PartitionedWatch<WatchEvent>> {
  const { from, ...rest } = options;
  const legs = legsOf(backend, prefix, options);
  const sourceOf = watchSource(rest, legs.length);
  return PartitionedWatch.open(
    prefix,
    legs.map((l) => ({ partition: l.partition, prefix: l.prefix, source: sourceOf(l.cluster.core) })),
    (key) => backend.partitionOf(key),
    from,
  );
}

/** One cluster's watch of every key under `prefix`. */
function openPrefix(core: Core, prefix: string, options: PrefixWatchOptions): Promise<Watch> {
  return Watch.open(core, core.keys.prefixRange(prefix, options.all), options);
}

/**
 * Adapts one cluster to a leg of a merged watch, with the caller's watch
 * options; those that need one cluster are refused first.
 * @throws {@link ValidationError} for `fromRevision` or `callback`.
 */
function watchSource(options: PrefixWatchOptions, spanned: number): (core: Core) => EventSource<WatchEvent> {
  const { fromRevision, callback, all: _all, ...rest } = options;
  if (fromRevision !== undefined) {
    throw new ValidationError(
      `fromRevision cannot apply to a merged watch (over ${spanned} partition(s), each with its own revisions): resume with { from: watch.token }`,
    );
  }
  if (callback !== undefined) throw new ValidationError('a watch over several partitions has no callback: iterate it');
  return (core) => ({
    revision: () => currentRevision(core),
    watchPrefix: (prefix, o) => (async () => openPrefix(core, prefix, { ...rest, ...o }))(),
  });
}
