import type { Value } from '../codec/index.js';
import type { KeyValue, LeaseRef } from '../kv/index.js';
import type { Comparison } from './compare.js';

/** Write `value` under `key` (through the value pipeline). */
export interface PutOp {
  /** The kind of operation. */
  readonly type: 'put';
  /** The key written. */
  readonly key: string;
  /** The value written (a string is stored as UTF-8). */
  readonly value: Value;
  /** Attach the key to this lease. */
  readonly lease?: LeaseRef;
  /** Return the previous value as `previous`. */
  readonly prevKV?: boolean;
}

/** Read `key` (or every key starting with it, with `prefix`). */
export interface GetOp {
  /** The kind of operation. */
  readonly type: 'get';
  /** The key read, or the prefix with `prefix`. */
  readonly key: string;
  /** Read every key starting with `key`. */
  readonly prefix?: boolean;
  /** Required, with `prefix`, to read the empty prefix, which covers every key (of the namespace). */
  readonly all?: boolean;
  /** Most keys returned (0: no limit). */
  readonly limit?: number;
  /** Return keys and metadata without values. */
  readonly keysOnly?: boolean;
}

/** Delete `key`. */
export interface DeleteOp {
  /** The kind of operation. */
  readonly type: 'delete';
  /** The key deleted. */
  readonly key: string;
  /** Return the deleted key-value as `previous`. */
  readonly prevKV?: boolean;
}

/** Delete every key starting with `prefix` (the empty prefix only with `all`). */
export interface DeletePrefixOp {
  /** The kind of operation. */
  readonly type: 'deletePrefix';
  /** Every key starting with it is deleted. */
  readonly prefix: string;
  /** Required to use the empty prefix, which covers every key (of the namespace). */
  readonly all?: boolean;
  /** Return the deleted key-values as `previous`. */
  readonly prevKV?: boolean;
}

/** A transaction inside a transaction: its own conditions and branches. */
export interface TxnOp<
  S extends readonly Operation[] = readonly Operation[],
  F extends readonly Operation[] = readonly Operation[],
> {
  /** The kind of operation. */
  readonly type: 'txn';
  /** The conditions; all must hold for `onSuccess` to run. */
  readonly if: readonly Comparison[];
  /** Operations run when every condition holds. */
  readonly onSuccess: S;
  /** Operations run otherwise. */
  readonly onFailure: F;
}

/** One operation of a transaction branch, as plain data. Build them with {@link op}. */
export type Operation = PutOp | GetOp | DeleteOp | DeletePrefixOp | TxnOp<readonly Operation[], readonly Operation[]>;

/** What a put returns inside a transaction. */
export interface PutOpResult {
  /** The kind of operation this result is for. */
  readonly type: 'put';
  /** The key before the write, with `prevKV` when it existed. */
  readonly previous?: KeyValue;
}

/** What a get returns: the keys found, values decoded through the value pipeline. */
export interface GetOpResult {
  /** The kind of operation this result is for. */
  readonly type: 'get';
  /** The keys found, in key order. */
  readonly kvs: KeyValue[];
  /** Keys in the range (may exceed `kvs.length` with a `limit`). */
  readonly count: number;
  /** True when `limit` cut the result. */
  readonly more: boolean;
}

/** What a delete or deletePrefix returns. */
export interface DeleteOpResult<T extends 'delete' | 'deletePrefix' = 'delete' | 'deletePrefix'> {
  /** The kind of operation this result is for. */
  readonly type: T;
  /** How many keys were deleted. */
  readonly deleted: number;
  /** The deleted key-values, with `prevKV`. */
  readonly previous: KeyValue[];
}

/** What a nested transaction returns: which branch ran and its results. */
export type TxnOpResult<
  S extends readonly Operation[] = readonly Operation[],
  F extends readonly Operation[] = readonly Operation[],
> =
  | {
      /** The kind of operation this result is for. */
      readonly type: 'txn';
      /** True: the conditions held and `onSuccess` ran. */
      readonly succeeded: true;
      /** The results of `onSuccess`, position by position. */
      readonly results: ResultsOf<S>;
    }
  | {
      /** The kind of operation this result is for. */
      readonly type: 'txn';
      /** False: a condition failed and `onFailure` ran. */
      readonly succeeded: false;
      /** The results of `onFailure`, position by position. */
      readonly results: ResultsOf<F>;
    };

/** The result type of one operation type. */
export type ResultOf<O> = O extends PutOp
  ? PutOpResult
  : O extends GetOp
    ? GetOpResult
    : O extends DeleteOp
      ? DeleteOpResult<'delete'>
      : O extends DeletePrefixOp
        ? DeleteOpResult<'deletePrefix'>
        : O extends TxnOp<infer S, infer F>
          ? TxnOpResult<S, F>
          : OperationResult;

/** Results, position by position, of a list of operations. */
export type ResultsOf<Ops extends readonly Operation[]> = { -readonly [I in keyof Ops]: ResultOf<Ops[I]> };

/** Any operation's result. */
export type OperationResult = PutOpResult | GetOpResult | DeleteOpResult | TxnOpResult;

/** Options of `op.put`. */
export interface PutOpOptions {
  /** Attach the key to this lease. */
  readonly lease?: LeaseRef;
  /** Return the previous value as `previous`. */
  readonly prevKV?: boolean;
}

/** Options of `op.get` and `op.getPrefix`. */
export interface GetOpOptions {
  /** Required by {@link op}`.getPrefix('')`: the empty prefix covers every key (of the namespace). */
  readonly all?: boolean;
  /** Most keys returned (0: no limit). */
  readonly limit?: number;
  /** Return keys and metadata without values. */
  readonly keysOnly?: boolean;
}

/** The branches a nested transaction leaves out: nothing to do. */
const NO_OPERATIONS: readonly Operation[] = Object.freeze([]);

/**
 * Constructors of transaction {@link Operation}s.
 *
 * @example
 * ```ts
 * const { succeeded, results } = await client
 *   .txn()
 *   .if(compare.absent('/job/owner'))
 *   .onSuccess(op.put('/job/owner', 'worker-1', { lease }))
 *   .onFailure(op.get('/job/owner'))
 *   .commit();
 * if (!succeeded) console.log('owned by', results[0].kvs[0]?.value.toString());
 * ```
 */
export const op = Object.freeze({
  /** Write `value` under `key`. */
  put: (key: string, value: Value, options: PutOpOptions = {}): PutOp => ({ type: 'put', key, value, ...options }),
  /** Read `key`. */
  get: (key: string, options: GetOpOptions = {}): GetOp => ({ type: 'get', key, ...options }),
  /** Read every key starting with `prefix`. */
  getPrefix: (prefix: string, options: GetOpOptions = {}): GetOp => ({
    type: 'get',
    key: prefix,
    prefix: true,
    ...options,
  }),
  /** Delete `key`. */
  delete: (key: string, options: { readonly prevKV?: boolean } = {}): DeleteOp => ({ type: 'delete', key, ...options }),
  /** Delete every key starting with `prefix` (the empty prefix only with `all`). */
  deletePrefix: (
    prefix: string,
    options: { readonly all?: boolean; readonly prevKV?: boolean } = {},
  ): DeletePrefixOp => ({
    type: 'deletePrefix',
    prefix,
    ...options,
  }),
  /** A nested transaction (etcd 3.3 and later). */
  txn: <const S extends readonly Operation[] = [], const F extends readonly Operation[] = []>(spec: {
    if?: readonly Comparison[];
    onSuccess?: S;
    onFailure?: F;
  }): TxnOp<S, F> => ({
    type: 'txn',
    if: spec.if ?? [],
    onSuccess: spec.onSuccess ?? (NO_OPERATIONS as S),
    onFailure: spec.onFailure ?? (NO_OPERATIONS as F),
  }),
});
