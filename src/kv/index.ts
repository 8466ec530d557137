export { find, get, exists, type ReadOptions } from './read.js';
export {
  put,
  del,
  encodePut,
  leaseOf,
  checkWriteOptions,
  type PutOptions,
  type PutResult,
  type DeleteOptions,
  type DeleteResult,
} from './write.js';
export {
  bulkPut,
  bulkDelete,
  pairs,
  bulkKeys,
  type Entries,
  type BulkOptions,
  type BulkPutOptions,
  type BulkResult,
} from './bulk.js';
export type { ListOptions, PrefixOptions } from './prefix.js';
export {
  deleteSegments,
  type DeletePrefixOptions,
  type DeletePrefixResult,
} from './delete-prefix.js';
export { getMany, manyResult, distinctKeys, type GetManyOptions, type GetManyResult } from './many.js';
export type { ConsistencyOptions, RangeOptions, SortOptions, SortTarget } from './range-options.js';
export {
  listSegments,
  listWithValuesSegments,
  iterateSegments,
  getRangeSegments,
  countSegments,
  oneCluster,
  byCluster,
  type Segments,
} from './prefix.js';
export type { ScanOptions } from './scan.js';
export { toKeyValue, type KeyValue, type LeaseRef } from './types.js';
export { TXN_OVERHEAD } from './chunk.js';
export { OP_OVERHEAD } from './limits.js';
export { history, type KeyVersion, type HistoryOptions } from './history.js';
