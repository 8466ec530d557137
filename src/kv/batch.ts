import type { IRangeRequest, IRangeResponse } from 'etcd3';
import type { CallOptions } from '../core/call.js';
import type { Core } from '../core/core.js';
import { CancelledError, TimeoutError, type ErrorContext } from '../errors/index.js';
import { smallerPage } from './scan.js';

/** One read waiting for (or riding in) a batch. */
interface Pending {
  readonly request: IRangeRequest;
  readonly ctx: ErrorContext;
  /** When the caller's own timeout runs out (counted from the call, queueing included). */
  readonly deadline: number;
  readonly resolve: (res: IRangeResponse) => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  timer: NodeJS.Timeout | undefined;
  done: boolean;
}

/**
 * Read batching: a single-key read issued while another read of this client
 * is in flight waits for the next completion and then goes out with every
 * other waiting read as one read-only transaction (served by etcd at one
 * revision, with one read-index round for the whole batch). An idle client
 * sends a read at once as a plain range request, so batching adds no delay.
 *
 * Each caller keeps its own signal (aborting leaves the batch, which goes on
 * for the others), its own timeout (shorter than the batch's: a timer of its
 * own) and its own errors. Reads queue only after they started, and are sent
 * later still, so each is linearizable from its own start.
 */
export class ReadBatcher {
  readonly #core: Core;
  readonly #maxBatch: number;
  readonly #serializable: boolean;
  #inflight = 0;
  #queue: Pending[] = [];

  constructor(core: Core, maxBatch: number, serializable: boolean) {
    this.#core = core;
    this.#maxBatch = Math.max(1, Math.min(maxBatch, core.config.maxTxnOps));
    this.#serializable = serializable;
  }

  /** Runs one range request for one caller, alone or in a batch. */
  range(request: IRangeRequest, ctx: ErrorContext, options: CallOptions): Promise<IRangeResponse> {
    if (this.#inflight === 0) return this.#alone(request, ctx, options);
    return new Promise<IRangeResponse>((resolve, reject) => {
      const deadline = Date.now() + (options.timeoutMs ?? this.#core.config.timeoutMs);
      const p: Pending = {
        request,
        ctx,
        deadline,
        resolve,
        reject,
        signal: options.signal,
        onAbort: undefined,
        timer: undefined,
        done: false,
      };
      if (p.signal) {
        if (p.signal.aborted) return reject(cancelled(p));
        p.onAbort = () => this.#settle(p, undefined, cancelled(p));
        p.signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.#queue.push(p);
      if (this.#queue.length >= this.#maxBatch) this.#flush();
    });
  }

  #alone(request: IRangeRequest, ctx: ErrorContext, options: CallOptions): Promise<IRangeResponse> {
    this.#inflight++;
    const core = this.#core;
    const sent = core.caller.run(
      'read',
      ctx,
      (grpc) => core.etcd.kv.range(request, grpc),
      this.#serializable ? { ...options, requireLeader: false } : options,
    );
    sent.then(this.#completed, this.#completed);
    return sent;
  }

  readonly #completed = (): void => {
    this.#inflight--;
    if (this.#queue.length > 0) this.#flush();
  };

  /** Sends what waits (up to `maxBatch`), leaving out callers that gave up. */
  #flush(): void {
    const live = this.#queue.filter((p) => !p.done);
    const batch = live.slice(0, this.#maxBatch);
    this.#queue = live.slice(this.#maxBatch);
    if (batch.length > 0) void this.#send(batch);
  }

  async #send(batch: Pending[]): Promise<void> {
    this.#inflight++;
    try {
      const timeoutMs = this.#arm(batch);
      if (timeoutMs > 0)
        await this.#run(
          batch.filter((p) => !p.done),
          timeoutMs,
        );
    } finally {
      this.#completed();
    }
  }

  /** Sends `batch` as one request; a reply over the receive limit splits it in halves, each sent again. */
  async #run(batch: Pending[], timeoutMs: number): Promise<void> {
    const core = this.#core;
    const ctx: ErrorContext = { op: batch[0]!.ctx.op };
    const run = { timeoutMs, requireLeader: !this.#serializable };
    try {
      if (batch.length === 1) {
        const p = batch[0]!;
        const res = await core.caller.run('read', p.ctx, (grpc) => core.etcd.kv.range(p.request, grpc), run);
        return this.#settle(p, res);
      }
      const success = batch.map((p) => ({ request_range: { ...p.request, serializable: this.#serializable } }));
      const res = await core.caller.run('read', ctx, (grpc) => core.etcd.kv.txn({ success }, grpc), run);
      for (const [i, r] of res.responses.entries()) this.#settle(batch[i]!, r.response_range as IRangeResponse);
    } catch (err) {
      if (batch.length > 1 && smallerPage(err, batch.length) !== undefined) {
        const half = Math.ceil(batch.length / 2);
        await Promise.all([this.#run(batch.slice(0, half), timeoutMs), this.#run(batch.slice(half), timeoutMs)]);
        return;
      }
      for (const p of batch) this.#settle(p, undefined, err);
    }
  }

  /**
   * The batch's timeout: the longest time left to any of its callers. A caller
   * whose time ran out while queued fails now; one with less time left than
   * the batch gets a timer of its own. 0 when no caller has time left.
   */
  #arm(batch: Pending[]): number {
    const now = Date.now();
    const timeout = (p: Pending) =>
      new TimeoutError(`${p.ctx.op}: no answer within the timeout (waited in a read batch)`);
    let longest = 0;
    for (const p of batch) longest = Math.max(longest, p.deadline - now);
    for (const p of batch) {
      const left = p.deadline - now;
      if (left <= 0) this.#settle(p, undefined, timeout(p));
      else if (left < longest) p.timer = setTimeout(() => this.#settle(p, undefined, timeout(p)), left);
    }
    return longest;
  }

  #settle(p: Pending, res: IRangeResponse | undefined, err?: unknown): void {
    if (p.done) return;
    p.done = true;
    if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
    if (p.timer) clearTimeout(p.timer);
    if (res) p.resolve(res);
    else p.reject(err);
  }
}

function cancelled(p: Pending): CancelledError {
  return new CancelledError(`${p.ctx.op}: aborted`, { cause: p.signal?.reason });
}

const batchers = new WeakMap<Core, { linearizable?: ReadBatcher; serializable?: ReadBatcher }>();

/** The read batcher of `core` for one consistency, or `undefined` when read batching is off. */
export function readBatcher(core: Core, serializable: boolean): ReadBatcher | undefined {
  const settings = core.config.readBatching;
  if (settings === false) return undefined;
  let pair = batchers.get(core);
  if (!pair) batchers.set(core, (pair = {}));
  const which = serializable ? 'serializable' : 'linearizable';
  return (pair[which] ??= new ReadBatcher(core, settings.maxBatch, serializable));
}
