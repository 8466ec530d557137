import type { IRangeRequest, IRangeResponse } from 'etcd3';
import type { CallOptions } from '../core/call.js';
import type { Core } from '../core/core.js';
import { CancelledError, PermissionDeniedError, TimeoutError, type ErrorContext } from '../errors/index.js';
import { smallerPage } from './scan.js';
import { Deadlines } from '../transport/index.js';
import { arm, unarmed, asOwn, callerDeadline, cancelled, disarm, where, type BatchCaller } from './batch-caller.js';

/** A read issued while the client had no read in flight, before the end of its turn. */
interface TurnRead {
  readonly request: IRangeRequest;
  readonly ctx: ErrorContext;
  readonly options: CallOptions;
  readonly resolve: (res: IRangeResponse) => void;
  readonly reject: (err: unknown) => void;
}

/** One read waiting for (or riding in) a batch. */
interface Pending extends BatchCaller {
  readonly request: IRangeRequest;
  readonly resolve: (res: IRangeResponse) => void;
  readonly reject: (err: unknown) => void;
  /** Its batch: see {@link Group}. */
  batch: Group | undefined;
}

/**
 * The callers of one batch still waiting. At 0 the batch is not tried again
 * (no retries for nobody), and `left` frees the batcher's request slot at
 * once: a request nobody waits for no longer holds back the next batch (it
 * may hang on an unresponsive member until its deadline).
 */
interface Group {
  live: number;
  left: () => void;
}

/**
 * Read batching: single-key reads issued in the same turn of the event loop,
 * or while the client has reads in flight, go out together as one read-only
 * transaction (served by etcd at one revision, with one read-index round for
 * the whole batch); a read alone goes as a plain range request. An idle
 * client sends at the end of the current turn (a microtask, no timer), so
 * batching adds no delay.
 *
 * One request at a time, each carrying everything that waited: 64 callers in
 * a closed loop ride together every round trip (sending the first read of a
 * burst alone instead made them alternate between a batch of one and one of
 * 63, half the reads per round trip; sending a burst as two halves in flight
 * at once cost a quarter more client CPU per read, for two requests' overhead).
 *
 * Each caller keeps its own options, checked before it joins (bad input fails
 * it alone), its own signal (aborting leaves the batch, which goes on for the
 * others), its own deadline (counted from its call, queueing and retries
 * included; one timer of the batcher follows them all) and its own errors,
 * naming its own key. A batch etcd refuses for permission is split until each
 * read gets its own answer. Reads queue only after they started, and are sent
 * later still, so each is linearizable from its own start.
 */
export class ReadBatcher {
  readonly #core: Core;
  /** One timer for every waiting caller's own deadline. */
  readonly #deadlines = new Deadlines();
  readonly #maxBatch: number;
  readonly #serializable: boolean;
  #inflight = 0;
  #queue: Pending[] = [];
  /** Reads issued while idle in this turn of the event loop, sent at its end. */
  #turn: TurnRead[] = [];
  /** A flush is queued for the end of this turn. */
  #scheduled = false;

  constructor(core: Core, maxBatch: number, serializable: boolean) {
    this.#core = core;
    this.#maxBatch = Math.max(1, Math.min(maxBatch, core.config.maxTxnOps));
    this.#serializable = serializable;
  }

  /** Runs one range request for one caller, alone or in a batch. */
  range(request: IRangeRequest, ctx: ErrorContext, options: CallOptions): Promise<IRangeResponse> {
    if (this.#inflight === 0) {
      return new Promise<IRangeResponse>((resolve, reject) => {
        this.#turn.push({ request, ctx, options, resolve, reject });
        if (!this.#scheduled) {
          this.#scheduled = true;
          queueMicrotask(this.#endOfTurn);
        }
      });
    }
    return new Promise<IRangeResponse>((resolve, reject) => this.#enqueue(request, ctx, options, resolve, reject));
  }

  #enqueue(
    request: IRangeRequest,
    ctx: ErrorContext,
    options: CallOptions,
    resolve: (res: IRangeResponse) => void,
    reject: (err: unknown) => void,
  ): void {
    const deadline = callerDeadline(options, this.#core.config.timeoutMs);
    const p: Pending = {
      request,
      ctx,
      deadline,
      resolve,
      reject,
      signal: options.signal,
      onAbort: undefined,
      expire: unarmed,
      done: false,
      batch: undefined,
    };
    if (!arm(p, this.#deadlines, (err) => this.#settle(p, undefined, err), timedOut)) return reject(cancelled(p));
    this.#queue.push(p);
    if (this.#queue.length >= this.#maxBatch) this.#flush();
  }

  // The reads of an idle client's turn: one goes alone, as any call; several go as one batch.
  readonly #endOfTurn = (): void => {
    this.#scheduled = false;
    const turn = this.#turn;
    this.#turn = [];
    if (turn.length === 1 && this.#inflight === 0) return this.#alone(turn[0]!);
    for (const t of turn) this.#enqueue(t.request, t.ctx, t.options, t.resolve, t.reject);
    if (this.#inflight === 0 && this.#queue.length > 0) this.#flush();
  };

  #alone(t: TurnRead): void {
    this.#inflight++;
    const core = this.#core;
    const options = this.#serializable ? { ...t.options, requireLeader: false } : t.options;
    const sent = core.caller.run('read', t.ctx, (grpc) => core.rpc.kv.range(t.request, grpc), options);
    sent.then(t.resolve, t.reject).finally(this.#completed);
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
      // Per attempt, the longest time any caller has left; each caller's own timer ends it sooner.
      const now = Date.now();
      const timeoutMs = Math.max(...batch.map((p) => p.deadline - now));
      // No AbortController per batch (creating one, and the DOMException of its abort, cost more
      // than the rest of the batch's bookkeeping): an attempt checks the count before it sends.
      const group: Group = { live: batch.length, left: noop };
      const emptied = new Promise<void>((resolve) => (group.left = resolve));
      for (const p of batch) p.batch = group;
      if (timeoutMs > 0) await Promise.race([this.#run(batch, timeoutMs, group), emptied]);
    } finally {
      this.#completed();
    }
  }

  /**
   * Sends `batch` as one request. A reply over the receive limit, or a refusal
   * for permission (etcd refuses a transaction holding one read the user may
   * not make), splits it in halves, each sent again.
   */
  async #run(all: Pending[], timeoutMs: number, group: Group): Promise<void> {
    const batch = all.filter((p) => !p.done);
    if (batch.length === 0) return;
    const core = this.#core;
    const op = batch[0]!.ctx.op;
    const ctx: ErrorContext = batch.length === 1 ? batch[0]!.ctx : { op: `${op} (batch of ${batch.length})` };
    const run = { timeoutMs, requireLeader: !this.#serializable, operation: op };
    try {
      if (batch.length === 1) {
        const p = batch[0]!;
        const res = await core.caller.run(
          'read',
          ctx,
          (grpc) => unlessAbandoned(group, ctx) ?? core.rpc.kv.range(p.request, grpc),
          run,
        );
        return this.#settle(p, res);
      }
      // A linearizable batch sends the callers' requests as they are; inside a transaction a
      // range is served serializably only when it says so.
      const success = this.#serializable
        ? batch.map((p) => ({ request_range: { ...p.request, serializable: true } }))
        : batch.map((p) => ({ request_range: p.request }));
      const res = await core.caller.run(
        'read',
        ctx,
        (grpc) => unlessAbandoned(group, ctx) ?? core.rpc.kv.txn({ success }, grpc),
        run,
      );
      for (const [i, r] of res.responses.entries()) this.#settle(batch[i]!, r.response_range as IRangeResponse);
    } catch (err) {
      if (batch.length > 1 && (err instanceof PermissionDeniedError || smallerPage(err, batch.length) !== undefined)) {
        const half = Math.ceil(batch.length / 2);
        await Promise.all([
          this.#run(batch.slice(0, half), timeoutMs, group),
          this.#run(batch.slice(half), timeoutMs, group),
        ]);
        return;
      }
      for (const p of batch) this.#settle(p, undefined, asOwn(err, ctx, p, batch.length));
    }
  }

  #settle(p: Pending, res: IRangeResponse | undefined, err?: unknown): void {
    if (!disarm(p, this.#deadlines)) return;
    if (p.batch && --p.batch.live === 0) p.batch.left();
    if (res) p.resolve(res);
    else p.reject(err);
  }
}

/** A rejection instead of an attempt once every caller of the batch has left (timed out or aborted). */
function unlessAbandoned(group: Group, ctx: ErrorContext): Promise<never> | undefined {
  if (group.live > 0) return undefined;
  return Promise.reject(new CancelledError(`${ctx.op}: every caller left the batch`));
}

function noop(): void {}

function timedOut(p: BatchCaller): TimeoutError {
  return new TimeoutError(`${where(p.ctx)}: no answer within the timeout (waited in a read batch)`);
}

declare module '../core/core.js' {
  interface Core {
    /** The client's read batchers, one per consistency, each made by its first read when read batching is on ({@link readBatcher}). */
    readBatchers?: { linearizable?: ReadBatcher; serializable?: ReadBatcher };
  }
}

/** The read batcher of `core` for one consistency, or `undefined` when read batching is off. */
export function readBatcher(core: Core, serializable: boolean): ReadBatcher | undefined {
  const settings = core.config.readBatching;
  if (settings === false) return undefined;
  const pair = (core.readBatchers ??= {});
  const which = serializable ? 'serializable' : 'linearizable';
  return (pair[which] ??= new ReadBatcher(core, settings.maxBatch, serializable));
}
