import type { IRequestOp, IResponseOp } from 'etcd3';
import type { CallOptions } from '../core/call.js';
import type { Core } from '../core/core.js';
import { headerRevision } from '../core/ids.js';
import { CancelledError, type ErrorContext } from '../errors/index.js';
import type { WriteBatching } from '../config/index.js';
import { TXN_OVERHEAD } from './chunk.js';
import { OP_OVERHEAD } from './limits.js';

/** What one write of a batch gets back: its own response and the batch's revision. */
export interface WriteOutcome {
  readonly revision: number;
  readonly response: Partial<IResponseOp>;
}

/** One write waiting for (or riding in) a batch. */
interface PendingWrite {
  readonly op: IRequestOp;
  /** The etcd key, as a string, to keep two writes of one key apart. */
  readonly id: string;
  readonly bytes: number;
  readonly ctx: ErrorContext;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | undefined;
  readonly resolve: (outcome: WriteOutcome) => void;
  readonly reject: (err: unknown) => void;
  onAbort: (() => void) | undefined;
  done: boolean;
}

interface Batch {
  readonly writes: PendingWrite[];
  readonly ids: Set<string>;
  bytes: number;
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
 */
export class WriteBatcher {
  readonly #core: Core;
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  readonly #budget: number;
  readonly #inflightIds = new Map<string, number>();
  #inflight = 0;
  readonly #pending: Batch[] = [];

  constructor(core: Core, settings: WriteBatching) {
    this.#core = core;
    this.#maxBatch = Math.max(1, Math.min(settings.maxBatch, core.config.maxTxnOps));
    this.#maxDelayMs = settings.maxDelayMs;
    this.#budget = core.config.maxRequestBytes - TXN_OVERHEAD;
  }

  /** Runs one write (already validated and encoded), alone when idle, else in a batch. */
  write(op: IRequestOp, etcdKey: Buffer, ctx: ErrorContext, options: CallOptions): Promise<WriteOutcome> {
    const id = etcdKey.toString('latin1');
    const bytes = etcdKey.length + (op.request_put?.value?.length ?? 0) + OP_OVERHEAD;
    if (this.#inflight === 0 && this.#pending.length === 0) return this.#alone(op, id, ctx, options);
    return new Promise<WriteOutcome>((resolve, reject) => {
      const p: PendingWrite = {
        op,
        id,
        bytes,
        ctx,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
        resolve,
        reject,
        onAbort: undefined,
        done: false,
      };
      if (p.signal) {
        if (p.signal.aborted) return reject(cancelled(p));
        p.onAbort = () => this.#settle(p, undefined, cancelled(p));
        p.signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.#enqueue(p);
    });
  }

  async #alone(op: IRequestOp, id: string, ctx: ErrorContext, options: CallOptions): Promise<WriteOutcome> {
    const core = this.#core;
    this.#begin([id]);
    try {
      if (op.request_put) {
        const put = await core.caller.run('write', ctx, (grpc) => core.etcd.kv.put(op.request_put!, grpc), options);
        return { revision: headerRevision(put), response: { response_put: put } };
      }
      const del = await core.caller.run(
        'write',
        ctx,
        (grpc) => core.etcd.kv.deleteRange(op.request_delete_range!, grpc),
        options,
      );
      return { revision: headerRevision(del), response: { response_delete_range: del } };
    } finally {
      this.#end([id]);
    }
  }

  #enqueue(p: PendingWrite): void {
    let last = this.#pending[this.#pending.length - 1];
    const full = last && (last.writes.length >= this.#maxBatch || last.bytes + p.bytes > this.#budget);
    if (!last || full || last.ids.has(p.id)) {
      last = { writes: [], ids: new Set(), bytes: 0, expired: false, timer: undefined };
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
    const core = this.#core;
    const ids = batch.map((w) => w.id);
    this.#begin(ids);
    try {
      const ctx: ErrorContext =
        batch.length === 1 ? batch[0]!.ctx : { op: `${batch[0]!.ctx.op} (batch of ${batch.length})` };
      const success = batch.map((w) => w.op);
      // One outcome for all: the batch runs under the longest timeout its writes asked for.
      const timeoutMs = Math.max(...batch.map((w) => w.timeoutMs ?? core.config.timeoutMs));
      const res = await core.caller.run('write', ctx, (grpc) => core.etcd.kv.txn({ success }, grpc), { timeoutMs });
      const revision = headerRevision(res);
      for (const [i, r] of res.responses.entries()) this.#settle(batch[i]!, { revision, response: r });
    } catch (err) {
      for (const w of batch) this.#settle(w, undefined, err);
    } finally {
      this.#end(ids);
    }
  }

  #settle(p: PendingWrite, outcome: WriteOutcome | undefined, err?: unknown): void {
    if (p.done) return;
    p.done = true;
    if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
    if (outcome) p.resolve(outcome);
    else p.reject(err);
  }
}

function cancelled(p: PendingWrite): CancelledError {
  return new CancelledError(`${p.ctx.op}: aborted`, { cause: p.signal?.reason });
}

const batchers = new WeakMap<Core, WriteBatcher>();

/** The write batcher of `core`, or `undefined` when write batching is off. */
export function writeBatcher(core: Core): WriteBatcher | undefined {
  const settings = core.config.writeBatching;
  if (settings === false) return undefined;
  let b = batchers.get(core);
  if (!b) batchers.set(core, (b = new WriteBatcher(core, settings)));
  return b;
}
