import type { IKeyValue } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { revision } from '../core/ids.js';
import { EtcdKitError } from '../errors/index.js';
import { checkInvalidKeys, keyAfter, type InvalidKeyPolicy, type RawRange } from '../keys/index.js';
import { enrichCompacted } from '../watch/compaction.js';
import { explainFuture } from './future.js';
import {
  checkRangeOptions,
  checkRevision,
  descendingKeys,
  isSerializable,
  rangeFields,
  readRun,
  sortsByContent,
  type ConsistencyOptions,
  type RangeOptions,
} from './range-options.js';
import { checkWhole } from '../config/checks.js';

/** Options of paged reads over a range of keys. */
export interface ScanOptions extends CallOptions, ConsistencyOptions, RangeOptions {
  /**
   * Keys per request. A page whose reply would exceed gRPC's 4 MiB receive
   * limit is fetched again in halves, so large values never break a listing.
   * By default the first page has 1,000 keys and later pages are sized to
   * about 2 MiB each (at most 10,000 keys), from the sizes already read.
   * @default 1000, then adaptive
   */
  pageSize?: number;
  /** Read the range as it was at this revision. Default: the revision of the first page. */
  revision?: number;
  /**
   * What to do with a stored key that is not valid UTF-8 (written by another
   * tool): `'fail'` throws {@link KeyEncodingError}; `'escape'` returns it with
   * each invalid byte as `\xHH` (`/k\xfe`), so an explorer can list past it.
   * @default 'fail'
   */
  invalidKeys?: InvalidKeyPolicy;
}

/** One page of a scan, with the revision every page of the scan is pinned to. */
export interface Page {
  readonly kvs: IKeyValue[];
  readonly revision: number;
}

const DEFAULT_PAGE = 1000;
/**
 * Bytes aimed at per page when the caller gave no page size. etcd walks its
 * index over the whole rest of the range to count it on every limited
 * request, so few large pages cost the server far less than many small ones;
 * 2 MiB stays well under gRPC's 4 MiB limit and keeps memory bounded.
 */
const PAGE_BYTES = 2 * 1024 * 1024;
const MAX_PAGE = 10_000;

/**
 * When a reply exceeded gRPC's receive limit, the page size that should fit:
 * scaled by the sizes grpc-js reports ("larger than max (N vs. M)"), else halved.
 * Undefined for any other error.
 */
export function smallerPage(err: unknown, pageSize: number): number | undefined {
  const cause = err instanceof EtcdKitError ? err.cause : err;
  const match = cause instanceof Error ? /larger than max \((\d+) vs\.? (\d+)\)/i.exec(cause.message) : null;
  if (!match)
    return cause instanceof Error && /larger than max/i.test(cause.message) ? Math.ceil(pageSize / 2) : undefined;
  const [got, max] = [Number(match[1]), Number(match[2])];
  return Math.max(1, Math.min(Math.ceil(pageSize / 2), Math.floor((pageSize * max * 0.8) / got)));
}

/** The page size that should bring about {@link PAGE_BYTES}, judging by the page just read. */
export function nextPageSize(kvs: readonly IKeyValue[]): number {
  let bytes = 0;
  for (const kv of kvs) bytes += kv.key.length + (kv.value?.length ?? 0) + 32; // + revisions, version, lease
  const perKey = bytes / Math.max(1, kvs.length);
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(PAGE_BYTES / perKey)));
}

type Fetched = { kvs: IKeyValue[]; more: boolean; revision: number };

/**
 * Reads `range` page by page, every page at the same revision, so the pages
 * together form a consistent snapshot while memory stays bounded by two
 * pages: the next page is requested as soon as one arrives, so the server
 * works while the caller consumes.
 */
export async function* scan(
  core: Core,
  op: string,
  range: RawRange,
  options: ScanOptions & { keysOnly?: boolean } = {},
): AsyncGenerator<Page> {
  const fixed = options.pageSize !== undefined;
  let pageSize = checkWhole('pageSize', options.pageSize ?? DEFAULT_PAGE);
  checkRevision(options.revision);
  checkInvalidKeys(options.invalidKeys);
  checkRangeOptions(core, options);
  // A sort by content is one request (etcd sorts the whole range); otherwise pages.
  const single = sortsByContent(options);
  const descend = descendingKeys(options);
  let left = options.limit ?? Number.POSITIVE_INFINITY;
  let pinned = options.revision;
  const serializable = isSerializable(core, options);
  const base = { ...rangeFields(options), keys_only: options.keysOnly === true, serializable };
  const run = readRun(serializable, options);
  const fetch = async (start: Buffer, end: Buffer | undefined): Promise<Fetched> => {
    for (;;) {
      const limit = single ? (options.limit ?? 0) : Math.min(pageSize, left);
      const request = { ...base, key: start, range_end: end, limit, revision: pinned };
      try {
        const res = await core.caller.run(
          'read',
          { op, revision: pinned },
          (grpc) => core.rpc.kv.range(request, grpc),
          run,
        );
        return { kvs: res.kvs, more: res.more && !single, revision: pinned ?? revision(res.header.revision) };
      } catch (err) {
        const smaller = pageSize > 1 && !single ? smallerPage(err, pageSize) : undefined;
        if (smaller === undefined) throw await explainFuture(core, await enrichCompacted(core, err, range.key));
        pageSize = smaller;
      }
    }
  };
  let next: Promise<Fetched> | undefined = fetch(range.key, range.rangeEnd);
  while (next) {
    const page: Fetched = await next;
    pinned = page.revision;
    left -= page.kvs.length;
    const last = page.kvs[page.kvs.length - 1];
    next = undefined;
    if (page.more && last && left > 0) {
      if (!fixed) pageSize = Math.min(pageSize * 4, nextPageSize(page.kvs));
      // Descending: the rest lies below the last key, so it becomes the (exclusive) end.
      next = descend ? fetch(range.key, last.key) : fetch(keyAfter(last.key), range.rangeEnd);
      // Awaited on the next turn; if the caller stops early, its failure must not go unhandled.
      next.catch(() => undefined);
    }
    yield { kvs: page.kvs, revision: pinned };
  }
}

/** Counts the keys in `range` without reading them. */
export async function countRange(
  core: Core,
  op: string,
  range: RawRange,
  options: CallOptions & ConsistencyOptions = {},
): Promise<number> {
  const serializable = isSerializable(core, options);
  const res = await core.caller.run(
    'read',
    { op },
    (grpc) => core.rpc.kv.range({ key: range.key, range_end: range.rangeEnd, count_only: true, serializable }, grpc),
    readRun(serializable, options),
  );
  return Number(res.count);
}
