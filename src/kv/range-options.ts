import type { IKeyValue, IRangeRequest } from 'etcd3';
import type { ReadConsistency } from '../config/index.js';
import type { Core } from '../core/core.js';
import { checkRevision as checkNamedRevision, checkWhole } from '../config/checks.js';
import { ValidationError } from '../errors/index.js';

/** The consistency option every read accepts. */
export interface ConsistencyOptions {
  /**
   * `'serializable'`: answered by the member the request reaches, from its
   * own data, without a round trip through the leader. It works on a member
   * that lost quorum and costs the cluster less, but may be stale: it can
   * miss writes acknowledged before it started.
   * @default the client's `Config.withReadConsistency` ('linearizable')
   */
  consistency?: ReadConsistency;
}

/** What a range can be sorted by, as Go's `clientv3.WithSort` has it. */
export type SortTarget = 'key' | 'version' | 'createRevision' | 'modRevision' | 'value';

/** A sort of a range's results. */
export interface SortOptions {
  /** What to sort by. */
  readonly target: SortTarget;
  /** @default 'ascend' */
  readonly order?: 'ascend' | 'descend';
}

/** The range options of Go's `OpGet`: limit, sort and revision filters. */
export interface RangeOptions {
  /** Stop after this many keys (after filtering and sorting). */
  limit?: number;
  /**
   * Sort the results. By key (either order) the listing still comes in pages;
   * by any other target etcd sorts the whole range in one request, so `pageSize`
   * is refused with it (give a `limit` to bound the reply). Sorting by
   * `value` is refused with encryption or compression: etcd compares the
   * stored bytes, not the values.
   * @default { target: 'key', order: 'ascend' }
   */
  sort?: SortOptions;
  /** Only keys last modified at or after this revision. */
  minModRevision?: number;
  /** Only keys last modified at or before this revision. */
  maxModRevision?: number;
  /** Only keys created at or after this revision. */
  minCreateRevision?: number;
  /** Only keys created at or before this revision. */
  maxCreateRevision?: number;
}

const TARGETS: Record<SortTarget, IRangeRequest['sort_target']> = {
  key: 'Key',
  version: 'Version',
  createRevision: 'Create',
  modRevision: 'Mod',
  value: 'Value',
};

const FILTERS = ['minModRevision', 'maxModRevision', 'minCreateRevision', 'maxCreateRevision'] as const;

/** Refuses a `revision` option that is not a positive whole number (`undefined` is the latest). */
export function checkRevision(revision: number | undefined): void {
  if (revision !== undefined) checkNamedRevision('revision', revision);
}

/** True when `options` (or the client's default) asks for a serializable read. */
export function isSerializable(core: Core, options: ConsistencyOptions | undefined): boolean {
  const c = options?.consistency;
  if (c === undefined) return core.config.readConsistency === 'serializable';
  if (c !== 'serializable' && c !== 'linearizable') {
    throw new ValidationError(`consistency must be 'linearizable' or 'serializable', got ${JSON.stringify(c)}`);
  }
  return c === 'serializable';
}

/**
 * The call options of a read: a serializable one must not carry etcd's
 * `hasleader` requirement, or a member without a leader would refuse the
 * very reads it can still answer.
 */
export function readRun<T extends object>(serializable: boolean, options: T): T & { requireLeader?: boolean } {
  return serializable ? { ...options, requireLeader: false } : options;
}

/** True when the results are not in ascending key order (pages then cannot simply continue after the last key). */
export function descendingKeys(options: RangeOptions): boolean {
  return options.sort?.target === 'key' && options.sort.order === 'descend';
}

/** True for a sort by something other than the key: one request, no paging. */
export function sortsByContent(options: RangeOptions): boolean {
  return options.sort !== undefined && options.sort.target !== 'key';
}

/** Checks the range options before anything is sent. */
export function checkRangeOptions(core: Core, options: RangeOptions & { pageSize?: number }): void {
  if (options.limit !== undefined) checkWhole('limit', options.limit);
  for (const f of FILTERS) {
    if (options[f] !== undefined) checkNamedRevision(f, options[f]);
  }
  const sort = options.sort;
  if (sort === undefined) return;
  if (typeof sort !== 'object' || !(sort.target in TARGETS)) {
    throw new ValidationError(
      `sort.target must be one of ${Object.keys(TARGETS).join(', ')}, got ${JSON.stringify(sort?.target)}`,
    );
  }
  if (sort.order !== undefined && sort.order !== 'ascend' && sort.order !== 'descend') {
    throw new ValidationError(`sort.order must be 'ascend' or 'descend', got ${JSON.stringify(sort.order)}`);
  }
  if (sortsByContent(options) && options.pageSize !== undefined) {
    throw new ValidationError(
      `sort by ${sort.target} cannot be paged: pages follow key order, so etcd must sort the whole range in one request; use limit instead of pageSize`,
    );
  }
  if (sort.target === 'value' && (core.config.encryption || core.config.compression)) {
    throw new ValidationError(
      'sort by value is refused with encryption or compression: etcd would compare the stored bytes, not the values',
    );
  }
}

/** The fields of a range request the options set (sort of key ascending is etcd's own order: nothing to send). */
export function rangeFields(options: RangeOptions): Partial<IRangeRequest> {
  const fields: Partial<IRangeRequest> = {};
  const sort = options.sort;
  if (sort && !(sort.target === 'key' && (sort.order ?? 'ascend') === 'ascend')) {
    fields.sort_target = TARGETS[sort.target];
    fields.sort_order = sort.order === 'descend' ? 'Descend' : 'Ascend';
  }
  if (options.minModRevision !== undefined) fields.min_mod_revision = options.minModRevision;
  if (options.maxModRevision !== undefined) fields.max_mod_revision = options.maxModRevision;
  if (options.minCreateRevision !== undefined) fields.min_create_revision = options.minCreateRevision;
  if (options.maxCreateRevision !== undefined) fields.max_create_revision = options.maxCreateRevision;
  return fields;
}

/** Orders raw key-values as etcd orders them for `options` (to merge the results of several clusters). */
export function compareFor(options: RangeOptions): (a: IKeyValue, b: IKeyValue) => number {
  const sort = options.sort ?? { target: 'key' as const };
  const sign = sort.order === 'descend' ? -1 : 1;
  const num = (f: 'version' | 'create_revision' | 'mod_revision') => (a: IKeyValue, b: IKeyValue) =>
    Number(a[f]) - Number(b[f]);
  const by: Record<SortTarget, (a: IKeyValue, b: IKeyValue) => number> = {
    key: (a, b) => Buffer.compare(a.key, b.key),
    value: (a, b) => Buffer.compare(a.value, b.value),
    version: num('version'),
    createRevision: num('create_revision'),
    modRevision: num('mod_revision'),
  };
  const f = by[sort.target];
  return (a, b) => sign * f(a, b);
}
