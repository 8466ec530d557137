import type { IKeyValue } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { revision } from '../core/ids.js';
import { EtcdKitError, ValidationError } from '../errors/index.js';
import { keyAfter, type RawRange } from '../keys/index.js';
import { checkRevision } from './read.js';
import { enrichCompacted } from '../watch/raw.js';

/** Options of paged reads over a range of keys. */
export interface ScanOptions extends CallOptions {
  /**
   * Keys per request. A page whose reply would exceed gRPC's 4 MiB receive
   * limit is fetched again in halves, so large values never break a listing.
   * @default 1000
   */
  pageSize?: number;
  /** Read the range as it was at this revision. Default: the revision of the first page. */
  revision?: number;
}

/** One page of a scan, with the revision every page of the scan is pinned to. */
export interface Page {
  readonly kvs: IKeyValue[];
  readonly revision: number;
}

const DEFAULT_PAGE = 1000;

/**
 * When a reply exceeded gRPC's receive limit, the page size that should fit:
 * scaled by the sizes grpc-js reports ("larger than max (N vs. M)"), else halved.
 * Undefined for any other error.
 */
export function smallerPage(err: unknown, pageSize: number): number | undefined {
  const cause = err instanceof EtcdKitError ? err.cause : err;
  const match = cause instanceof Error ? /larger than max \((\d+) vs\.? (\d+)\)/i.exec(cause.message) : null;
  if (!match) return cause instanceof Error && /larger than max/i.test(cause.message) ? Math.ceil(pageSize / 2) : undefined;
  const [got, max] = [Number(match[1]), Number(match[2])];
  return Math.max(1, Math.min(Math.ceil(pageSize / 2), Math.floor((pageSize * max * 0.8) / got)));
}

/**
 * Reads `range` page by page, every page at the same revision, so the pages
 * together form a consistent snapshot while memory stays bounded by one page.
 */
export async function* scan(
  core: Core,
  op: string,
  range: RawRange,
  options: ScanOptions & { keysOnly?: boolean } = {},
): AsyncGenerator<Page> {
  let pageSize = options.pageSize ?? DEFAULT_PAGE;
  if (!Number.isSafeInteger(pageSize) || pageSize <= 0) {
    throw new ValidationError(`pageSize must be a positive whole number, got ${pageSize}`);
  }
  checkRevision(options.revision);
  let start = range.key;
  let pinned = options.revision;
  for (;;) {
    const request = {
      key: start,
      range_end: range.rangeEnd,
      limit: pageSize,
      revision: pinned,
      keys_only: options.keysOnly === true,
    };
    let res;
    try {
      res = await core.caller.run('read', { op }, (grpc) => core.etcd.kv.range(request, grpc), options);
    } catch (err) {
      const smaller = pageSize > 1 ? smallerPage(err, pageSize) : undefined;
      if (smaller === undefined) throw await enrichCompacted(core, err, range.key);
      pageSize = smaller;
      continue;
    }
    pinned ??= revision(res.header.revision);
    const last = res.kvs[res.kvs.length - 1];
    yield { kvs: res.kvs, revision: pinned };
    if (!res.more || !last) return;
    start = keyAfter(last.key);
  }
}

/** Counts the keys in `range` without reading them. */
export async function countRange(core: Core, op: string, range: RawRange, options: CallOptions = {}): Promise<number> {
  const res = await core.caller.run(
    'read',
    { op },
    (grpc) => core.etcd.kv.range({ key: range.key, range_end: range.rangeEnd, count_only: true }, grpc),
    options,
  );
  return Number(res.count);
}
