import { ValidationError } from '../errors/index.js';
import type { PrefixWatchOptions, Watch, WatchEvent } from '../watch/index.js';
import { PartitionedWatch, type EventSource } from '../watch/merged.js';
import type { PartitionWatchOptions } from './backend.js';

/** What a leg of a merged watch is made from: one cluster's revision and prefix watch. */
export interface Watchable {
  revision(): Promise<number>;
  watchPrefix(prefix: string, options: PrefixWatchOptions): Promise<Watch | PartitionedWatch<WatchEvent>>;
}

/**
 * Adapts one cluster to a leg of a merged watch, with the caller's watch
 * options; those that need one cluster are refused first.
 * @throws {@link ValidationError} for `fromRevision` or `callback`.
 */
export function watchSource(
  options: PrefixWatchOptions,
  spanned: number,
): (cluster: Watchable) => EventSource<WatchEvent> {
  const { fromRevision, callback, all: _all, ...rest } = options;
  if (fromRevision !== undefined) {
    throw new ValidationError(
      `fromRevision cannot apply to a merged watch (over ${spanned} partition(s), each with its own revisions): resume with { from: watch.token }`,
    );
  }
  if (callback !== undefined) throw new ValidationError('a watch over several partitions has no callback: iterate it');
  return (cluster) => ({
    revision: () => cluster.revision(),
    watchPrefix: (prefix, o) =>
      cluster.watchPrefix(prefix, { ...rest, ...o }) as ReturnType<EventSource<WatchEvent>['watchPrefix']>,
  });
}

/** A merged watch on a cluster without partitions: one leg, the whole cluster, and a token all the same. */
export async function watchWhole(
  cluster: Watchable,
  prefix: string,
  options: PrefixWatchOptions & PartitionWatchOptions = {},
): Promise<PartitionedWatch<WatchEvent>> {
  if (typeof prefix !== 'string') throw new ValidationError(`prefix must be a string, got ${typeof prefix}`);
  if (prefix === '' && options.all !== true) {
    throw new ValidationError('empty prefix refused: it covers every key; pass { all: true } to mean that');
  }
  const { from, ...rest } = options;
  const leg = { partition: '', prefix, source: watchSource(rest, 1)(cluster) };
  return PartitionedWatch.open(prefix, [leg], () => '', from);
}
