export { compare, type Comparison, type CompareOptions } from './compare.js';
export {
  op,
  type Operation,
  type PutOp,
  type GetOp,
  type DeleteOp,
  type DeletePrefixOp,
  type TxnOp,
  type PutOpOptions,
  type GetOpOptions,
  type OperationResult,
  type PutOpResult,
  type GetOpResult,
  type DeleteOpResult,
  type TxnOpResult,
  type ResultOf,
  type ResultsOf,
} from './ops.js';
export { TxnBuilder, commitTxn, type TxnResult } from './builder.js';
export { compareAndSwap, putIfAbsent, type CasOptions } from './cas.js';
