import type { IRequestOp, IResponseOp } from 'etcd3';
import type { CallOptions } from '../core/call.js';
import type { Core } from '../core/core.js';
import { headerRevision } from '../core/ids.js';
import { AmbiguousWriteError, PermissionDeniedError, TimeoutError, type ErrorContext } from '../errors/index.js';
import type { WriteBatching } from '../config/index.js';
import { TXN_OVERHEAD } from './chunk.js';
import { OP_OVERHEAD, RECEIVE_LIMIT } from './limits.js';
import { Deadlines } from '../transport/index.js';
import { arm, unarmed, asOwn, callerDeadline, cancelled, disarm, where, type BatchCaller } from './batch-caller.js';

/** What one write of a batch gets back: its own response and the batch's revision. */
export interface WriteOutcome {
  readonly revision: number;
  readonly response: Partial<IResponseOp>;
}

/** One write waiting for (or riding in) a batch. */
interface PendingWrite extends BatchCaller {
  readonly op: IRequestOp;
  /** The etcd key, as a string, to keep two writes of one key apart. */
  readonly id: string;
  /** What it adds to the batch's request. */
  readonly bytes: number;
  /** What its answer may add to the batch's reply: a previous key-value can be as large as a request. */
  readonly answer: number;
  readonly resolve: (outcome: WriteOutcome) => void;
  readonly reject: (err: unknown) => void;
  /** Its batch was sent: from now on it may be applied. */
  sent: boolean;
}

interface Batch {
  readonly writes: PendingWrite[];
  readonly ids: Set<string>;
  bytes: number;
  answer: number;
  expired: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Write batching (opt-in): a put or delete issued while another write is in
 * flight joins the next batch, sent as one transaction when the write in
 * flight completes (or after `maxDelayMs`, if none of its keys is in flight).
 * A batch has one revision and commits or fails as a whole. Two writes of
 * one key never share a batch, and a batch holding a key is not sent while
 * an earlier write of that key is in flight, so per-key order is kept.
 *
 * A batch fits both the request limit and, with `prevKV`, the reply's: etcd
 * applies a transaction whose answer the client then refuses to receive, so
 * an answer that might not fit is never asked for.
 */
export class WriteBatcher {
  readonly #core: Core;
  /** One timer for every waiting caller's own deadline. */
  readonly #deadlines = new Deadlines();
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  readonly #budget: number;
  readonly #answerBudget: number;
  readonly #inflightIds = new Map<string, number>();
  #inflight = 0;
  readonly #pending: Batch[] = [];

  constructor(core: Core, settings: WriteBatching) {
    this.#core = core;
    this.#maxBatch = Math.max(1, Math.min(settings.maxBatch, core.config.maxTxnOps));
    this.#maxDelayMs = settings.maxDelayMs;
    this.#budget = core.config.maxRequestBytes - TXN_OVERHEAD;
    this.#answerBudget = RECEIVE_LIMIT - TXN_OVERHEAD;
  }

  /** Runs one write (already validated and encoded), alone when idle, else in a batch. */
  write(op: IRequestOp, etcdKey: Buffer, ctx: ErrorContext, options: CallOptions): Promise<WriteOutcome> {
    const id = etcdKey.toString('latin1');
    const bytes = etcdKey.length + (op.request_put?.value?.length ?? 0) + OP_OVERHEAD;
    if (this.#inflight === 0 && this.#pending.length === 0) return this.#alone(op, id, ctx, options);
    const prevKV = op.request_put?.prev_kv === true || op.request_delete_range?.prev_kv === true;
    const answer = prevKV ? this.#core.config.maxRequestBytes : 0;
    return new Promise<WriteOutcome>((resolve, reject) => {
      const deadline = callerDeadline(options, this.#core.config.timeoutMs);
      const p: PendingWrite = {
        op,
        id,
        bytes,
        answer,
        ctx,
        deadline,
        signal: options.signal,
        resolve,
        reject,
        onAbort: undefined,
        expire: unarmed,
        done: false,
        sent: false,
      };
      if (!arm(p, this.#deadlines, (err) => this.#settle(p, undefined, err), timedOut)) return reject(cancelled(p));
      this.#enqueue(p);
    });
  }

  async #alone(op: IRequestOp, id: string, ctx: ErrorContext, options: CallOptions): Promise<WriteOutcome> {
    const core = this.#core;
    this.#begin([id]);
    try {
      if (op.request_put) {
        const put = await core.caller.run('write', ctx, (grpc) => core.rpc.kv.put(op.request_put!, grpc), options);
        return { revision: headerRevision(put), response: { response_put: put } };
      }
      const del = await core.caller.run(
        'write',
        ctx,
        (grpc) => core.rpc.kv.deleteRange(op.request_delete_range!, grpc),
        options,
      );
      return { revision: headerRevision(del), response: { response_delete_range: del } };
    } finally {
      this.#end([id]);
    }
  }

  #enqueue(p: PendingWrite): void {
    let last = this.#pending[this.#pending.length - 1];
    const full =
      last &&
      (last.writes.length >= this.#maxBatch ||
        last.bytes + p.bytes > this.#budget ||
        last.answer + p.answer > this.#answerBudget);
    if (!last || full || last.ids.has(p.id)) {
      last = { writes: [], ids: new Set(), bytes: 0, answer: 0, expired: false, timer: undefined };
      this.#pending.push(last);
      const batch = last;
      batch.timer = setTimeout(() => {
        batch.expired = true;
        this.#pump();
      }, this.#maxDelayMs);
    }
    last.writes.push(p);
    last.ids.add(p.id);
    last.bytes += p.bytes;
    last.answer += p.answer;
  }

  #begin(ids: Iterable<string>): void {
    this.#inflight++;
    for (const id of ids) this.#inflightIds.set(id, (this.#inflightIds.get(id) ?? 0) + 1);
  }

  #end(ids: Iterable<string>): void {
    this.#inflight--;
    for (const id of ids) {
      const n = this.#inflightIds.get(id)! - 1;
      if (n === 0) this.#inflightIds.delete(id);
      else this.#inflightIds.set(id, n);
    }
    this.#pump();
  }

  /** Sends the oldest batch when nothing is in flight, or when it waited long enough and none of its keys is in flight. */
  #pump(): void {
    for (;;) {
      const head = this.#pending[0];
      if (!head) return;
      const live = head.writes.filter((w) => !w.done);
      if (live.length > 0) {
        const go = this.#inflight === 0 || (head.expired && live.every((w) => !this.#inflightIds.has(w.id)));
        if (!go) return;
      }
      this.#pending.shift();
      clearTimeout(head.timer);
      if (live.length > 0) void this.#send(live);
    }
  }

  async #send(batch: PendingWrite[]): Promise<void> {
    const ids = batch.map((w) => w.id);
    this.#begin(ids);
    try {
      await this.#run(batch);
    } finally {
      this.#end(ids);
    }
  }

  /**
   * Sends `batch` as one transaction. etcd refuses a whole transaction for one
   * write the user may not make, before applying any of it: the batch is then
   * sent again in halves, so the others go through and only the refused writes
   * fail, each naming its own key.
   */
  async #run(all: PendingWrite[]): Promise<void> {
    const batch = all.filter((w) => !w.done);
    if (batch.length === 0) return;
    const core = this.#core;
    const op = batch[0]!.ctx.op;
    const ctx: ErrorContext = batch.length === 1 ? batch[0]!.ctx : { op: `${op} (batch of ${batch.length})` };
    const success = batch.map((w) => w.op);
    // Per attempt, the longest time any write has left; each write's own timer ends it sooner.
    const now = Date.now();
    const timeoutMs = Math.max(1, ...batch.map((w) => w.deadline - now));
    for (const w of batch) w.sent = true;
    try {
      const res = await core.caller.run('write', ctx, (grpc) => core.rpc.kv.txn({ success }, grpc), {
        timeoutMs,
        operation: op,
      });
      const revision = headerRevision(res);
      for (const [i, r] of res.responses.entries()) this.#settle(batch[i]!, { revision, response: r });
    } catch (err) {
      if (batch.length > 1 && err instanceof PermissionDeniedError) {
        const half = Math.ceil(batch.length / 2);
        await Promise.all([this.#run(batch.slice(0, half)), this.#run(batch.slice(half))]);
        return;
      }
      for (const w of batch) this.#settle(w, undefined, asOwn(err, ctx, w, batch.length));
    }
  }

  #settle(p: PendingWrite, outcome: WriteOutcome | undefined, err?: unknown): void {
    if (!disarm(p, this.#deadlines)) return;
    if (outcome) p.resolve(outcome);
    else p.reject(err);
  }
}

/** A write whose deadline passed: definitely not applied while queued; once sent, perhaps applied. */
function timedOut(b: BatchCaller): TimeoutError | AmbiguousWriteError {
  const p = b as PendingWrite;
  const timeout = new TimeoutError(`${where(p.ctx)}: no answer within the timeout (waited in a write batch)`);
  if (!p.sent) return timeout;
  return new AmbiguousWriteError(
    `${where(p.ctx)}: the request may have been applied (no answer within the timeout; its write batch is still in flight); read the key to find out`,
    { cause: timeout },
  );
}

declare module '../core/core.js' {
  interface Core {
    /** The client's write batcher, made by the first write when write batching is on ({@link writeBatcher}). */
    writeBatcher?: WriteBatcher;
  }
}

/** The write batcher of `core`, or `undefined` when write batching is off. */
export function writeBatcher(core: Core): WriteBatcher | undefined {
  const settings = core.config.writeBatching;
  if (settings === false) return undefined;
  return (core.writeBatcher ??= new WriteBatcher(core, settings));
}
