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

function tooLarge(err: unknown): boolean {
  const cause = err instanceof EtcdKitError ? err.cause : err;
  return cause instanceof Error && /larger than max/i.test(cause.message);
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
      if (pageSize > 1 && tooLarge(err)) {
        pageSize = Math.ceil(pageSize / 2);
        continue;
      }
      throw await enrichCompacted(core, err, range.key);
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
