import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision } from '../core/ids.js';
import { checkTxn } from './check.js';
import type { Comparison } from './compare.js';
import type { Operation, ResultsOf } from './ops.js';
import { decodeResults, encodeTxn, type TxnSpec } from './wire.js';

/** What a committed transaction returns: the branch that ran and its results, position by position. */
export type TxnResult<
  S extends readonly Operation[] = readonly Operation[],
  F extends readonly Operation[] = readonly Operation[],
> =
  | {
      /** True: every comparison held and `onSuccess` ran. */
      readonly succeeded: true;
      /** The cluster revision after the transaction. */
      readonly revision: number;
      /** The results of `onSuccess`, position by position. */
      readonly results: ResultsOf<S>;
    }
  | {
      /** False: a comparison failed and `onFailure` ran. */
      readonly succeeded: false;
      /** The cluster revision after the transaction. */
      readonly revision: number;
      /** The results of `onFailure`, position by position. */
      readonly results: ResultsOf<F>;
    };

/**
 * Sends one transaction. Everything is checked first (comparisons, sizes,
 * duplicate keys); a transaction that writes is sent once and never retried
 * (a retry could apply it twice), a read-only one is retried on transient errors.
 */
export async function commitTxn(core: Core, spec: TxnSpec, options: CallOptions = {}): Promise<TxnResult> {
  const { request, bytes, writes } = encodeTxn(core, spec);
  checkTxn(request, bytes, core.config);
  const res = await core.caller.run(
    writes ? 'write' : 'read',
    { op: 'txn' },
    (grpc) => core.rpc.kv.txn(request, grpc),
    options,
  );
  const branch = res.succeeded ? spec.onSuccess : spec.onFailure;
  const results = decodeResults(core, branch, res.responses);
  return { succeeded: res.succeeded, revision: headerRevision(res), results } as TxnResult;
}

/**
 * An etcd transaction: if every comparison holds, the `onSuccess`
 * operations run, otherwise the `onFailure` ones, atomically. Immutable:
 * each method returns a new builder. Nothing is sent until {@link TxnBuilder.commit}
 * (the builder is deliberately not awaitable).
 *
 * @example
 * ```ts
 * const res = await client
 *   .txn()
 *   .if(compare.modRevision('/cfg', '==', seen.modRevision))
 *   .onSuccess(op.put('/cfg', 'v2'), op.get('/cfg'))
 *   .onFailure(op.get('/cfg'))
 *   .commit();
 * if (res.succeeded) console.log(res.results[1].kvs[0]?.value.toString());
 * ```
 */
export class TxnBuilder<S extends readonly Operation[] = [], F extends readonly Operation[] = []> {
  readonly #core: Core;
  readonly #spec: TxnSpec;
  /** On a partitioned client: picks the one partition the transaction touches (or throws CrossPartitionError). */
  readonly #route: ((spec: TxnSpec) => Core) | undefined;

  /** @internal Use `client.txn()`. */
  constructor(core: Core, spec: TxnSpec = { if: [], onSuccess: [], onFailure: [] }, route?: (spec: TxnSpec) => Core) {
    this.#core = core;
    this.#spec = spec;
    this.#route = route;
  }

  /** Adds conditions; all of them must hold for `onSuccess` to run. */
  if(...comparisons: Comparison[]): TxnBuilder<S, F> {
    return new TxnBuilder(this.#core, { ...this.#spec, if: [...this.#spec.if, ...comparisons] }, this.#route);
  }

  /** Adds operations run when every condition holds. */
  onSuccess<const O extends readonly Operation[]>(...ops: O): TxnBuilder<[...S, ...O], F> {
    return new TxnBuilder(this.#core, { ...this.#spec, onSuccess: [...this.#spec.onSuccess, ...ops] }, this.#route);
  }

  /** Adds operations run when a condition fails. */
  onFailure<const O extends readonly Operation[]>(...ops: O): TxnBuilder<S, [...F, ...O]> {
    return new TxnBuilder(this.#core, { ...this.#spec, onFailure: [...this.#spec.onFailure, ...ops] }, this.#route);
  }

  /**
   * Checks and sends the transaction.
   * @throws {@link TxnTooLargeError} over `maxTxnOps` or `maxRequestBytes` (nothing sent).
   * @throws {@link ValidationError} for a key written twice, a bad comparison, or a value
   *   comparison while values are encrypted or compressed (nothing sent).
   * @throws {@link AmbiguousWriteError} / {@link TimeoutError} when the reply of a writing transaction is lost.
   */
  async commit(options?: CallOptions): Promise<TxnResult<S, F>> {
    const core = this.#route ? this.#route(this.#spec) : this.#core;
    return commitTxn(core, this.#spec, options) as Promise<TxnResult<S, F>>;
  }
}
