export { find, get, exists, checkRevision, type ReadOptions } from './read.js';
export { put, del, encodePut, leaseOf, type PutOptions, type PutResult, type EncodedPut, type DeleteOptions, type DeleteResult } from './write.js';
export { bulkPut, bulkDelete, pairs, type Entries, type BulkOptions, type BulkPutOptions, type BulkResult } from './bulk.js';
export {
  list,
  listWithValues,
  iterate,
  getRange,
  count,
  deletePrefix,
  type ListOptions,
  type PrefixOptions,
  type DeletePrefixOptions,
  type DeletePrefixResult,
} from './prefix.js';
export { getMany, manyResult, distinctKeys, type GetManyOptions, type GetManyResult } from './many.js';
export type { ConsistencyOptions, RangeOptions, SortOptions, SortTarget } from './range-options.js';
export {
  oneCluster,
  listSegments,
  listWithValuesSegments,
  iterateSegments,
  getRangeSegments,
  countSegments,
  deleteSegments,
  type ClusterRange,
  type Segments,
} from './prefix.js';
export { scan, countRange, type ScanOptions, type Page } from './scan.js';
export { toKeyValue, type KeyValue, type LeaseRef } from './types.js';
export { chunkForTxn, runChunks, TXN_OVERHEAD } from './chunk.js';
export { checkPutSize, OP_OVERHEAD } from './limits.js';
export { history, type KeyVersion, type HistoryOptions } from './history.js';
