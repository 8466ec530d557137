import { checkBufferSize } from '../config/checks.js';
import type { IEvent } from 'etcd3';
import type { Core } from '../core/core.js';
import { revision } from '../core/ids.js';
import {
  CancelledError,
  ClosedError,
  CompactedError,
  DecryptionError,
  EtcdKitError,
  ValidationError,
} from '../errors/index.js';
import { Settlement } from '../events/index.js';
import { Backoff, sleep } from '../resilience/backoff.js';
import type { RawRange } from '../keys/index.js';
import { scan } from '../kv/scan.js';
import { toKeyValue, type KeyValue } from '../kv/types.js';
import { checkDecryptionPolicy, type DecryptionErrorPolicy } from './options.js';
import { consumedRevision, Watch } from './watch.js';
import type { WatchEvent } from '../kv/events.js';

/**
 * Between two attempts to relist after a compaction: as a watch reconnects
 * (about 100 ms at first, at most 3 s), with jitter, so mirrors of one prefix
 * in many processes do not relist in lockstep after an outage.
 */
const RELIST_BACKOFF = { initialMs: 100, floorMs: 50, maxMs: 3000 } as const;

/** Reported by a {@link Mirror} after it relisted its prefix because its history was compacted away. */
export interface MirrorResync {
  /** The kind of change: the mirror listed the prefix again. */
  readonly type: 'resync';
  /** The revision of the new listing; the mirror resumed watching after it. */
  readonly revision: number;
  /** The compaction point that forced the relist. */
  readonly compactRevision: number;
}

/** A change applied by a {@link Mirror}: an event, or a full relist. */
export type MirrorChange = WatchEvent | MirrorResync;

/** Options of {@link Client.mirror}. */
export interface MirrorOptions {
  /** Required to mirror the empty prefix (the whole namespace). */
  all?: boolean;
  /** Keys per listing request. @default 1000 */
  pageSize?: number;
  /**
   * Changes held for a slow reader of the change stream; past it, applying
   * further changes waits for the reader (the watch then stops reading etcd).
   * @default 1000
   */
  bufferSize?: number;
  /** Aborts the initial listing. */
  signal?: AbortSignal;
  /**
   * What to do with a value that cannot be decoded, typically one written
   * without encryption by another tool into an encrypted prefix. `'fail'`
   * fails the listing (the mirror does not open) or stops the mirror with
   * {@link DecryptionError}: anyone able to write one such value under the
   * prefix stops every mirror of it. `'skip'` leaves the key out of the copy
   * (a key the copy held is dropped, as its current value is unknown), counts
   * it in {@link Mirror.skipped} and carries on; the dropped key is not
   * reported as a change.
   * @default 'fail'
   */
  onDecryptionError?: DecryptionErrorPolicy;
}

/**
 * A local copy of every key under a prefix, kept current by a watch: it lists
 * the prefix at one revision, then applies every change after it. When its
 * history is compacted away (after a long disconnection), it relists by
 * itself and reports a `resync` change.
 *
 * @example
 * ```ts
 * await using nodes = await client.mirror('/nodes/');
 * console.log(nodes.size, nodes.get('/nodes/a')?.value.toString());
 * for await (const change of nodes) if (change.type === 'resync') rebuildIndexes(nodes.entries());
 * ```
 */
export class Mirror implements AsyncIterable<MirrorChange>, AsyncDisposable {
  readonly #core: Core;
  readonly #range: RawRange;
  readonly #options: MirrorOptions;
  readonly #bound: number;
  #data = new Map<string, KeyValue>();
  #revision = 0;
  #skipped = 0;
  /** Stand-ins for skipped events, applied as removals and not reported as changes. */
  readonly #unreadable = new WeakSet<WatchEvent>();
  #watch: Watch | undefined;
  #stopped = false;
  /** Aborted when the mirror stops: ends a relist's backoff at once. */
  readonly #life = new AbortController();
  #failure: unknown;
  #iterating = false;
  readonly #queue: MirrorChange[] = [];
  #wakeReader: (() => void) | undefined;
  #wakeWriter: (() => void) | undefined;
  readonly #done = new Settlement();
  #waiters: Array<{ revision: number; wake: () => void; fail: (err: unknown) => void }> = [];

  private constructor(core: Core, range: RawRange, options: MirrorOptions) {
    this.#core = core;
    this.#range = range;
    this.#options = options;
    this.#bound = options.bufferSize ?? 1000;
  }

  /** @internal Lists the prefix and starts watching it. */
  static async open(core: Core, prefix: string, options: MirrorOptions = {}): Promise<Mirror> {
    checkBufferSize(options.bufferSize);
    checkDecryptionPolicy(options.onDecryptionError);
    const mirror = new Mirror(core, core.keys.prefixRange(prefix, options.all), options);
    await mirror.#load(options.signal);
    core.resources.add(mirror);
    void mirror.#run();
    return mirror;
  }

  /**
   * The revision the copy is current to: every change up to it is applied,
   * counted from what the mirror applied, not from what its watch received.
   */
  get revision(): number {
    return this.#revision;
  }

  /**
   * Values left out of the copy because they could not be decoded, with
   * `onDecryptionError: 'skip'`: keys skipped by the listings (the first and
   * any relist after a compaction) plus changes skipped since. Always 0
   * otherwise.
   */
  get skipped(): number {
    return this.#skipped;
  }

  /**
   * Settles when the mirror stops following changes: resolves on
   * {@link Mirror.close}, rejects with the error that stopped it (for instance
   * `PermissionDeniedError`); the copy is then no longer current.
   */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** Number of keys in the copy. */
  get size(): number {
    return this.#data.size;
  }

  /** The key as the copy has it, or `undefined`. */
  get(key: string): KeyValue | undefined {
    return this.#data.get(key);
  }

  /** A snapshot of the copy, in key order. */
  entries(): Map<string, KeyValue> {
    return new Map([...this.#data].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /**
   * Resolves once the copy is current to `revision`: every event of every
   * revision up to it is applied (all the keys of a transaction, not just the
   * first). A revision with no change under the prefix is reached with the
   * next change after it.
   */
  waitForRevision(revision: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#revision >= revision) return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = () => reject(new CancelledError('mirror: wait aborted', { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      this.#waiters.push({ revision, wake: () => (settle(), resolve()), fail: (err) => (settle(), reject(err)) });
    });
  }

  /** Stops watching; the copy stays readable but no longer changes. Idempotent. */
  async close(): Promise<void> {
    this.#stop();
    await this.#watch?.close();
  }

  /** Same as {@link Mirror.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The changes applied from now on (one reader at a time), each after the copy reflects it. */
  [Symbol.asyncIterator](): AsyncIterator<MirrorChange> {
    if (this.#iterating)
      return { next: () => Promise.reject(new ValidationError('a mirror can be iterated once at a time')) };
    this.#iterating = true;
    return this.#changes();
  }

  async *#changes(): AsyncGenerator<MirrorChange> {
    try {
      for (;;) {
        const change = this.#queue.shift();
        if (change) {
          this.#wakeWriter?.();
          yield change;
          continue;
        }
        if (this.#failure !== undefined) throw this.#failure;
        if (this.#stopped) return;
        await new Promise<void>((resolve) => (this.#wakeReader = resolve));
      }
    } finally {
      this.#iterating = false;
      this.#queue.length = 0;
      this.#wakeWriter?.();
    }
  }

  /** Lists the prefix at one revision into a fresh map, then watches from the revision after. */
  async #load(signal?: AbortSignal): Promise<void> {
    const data = new Map<string, KeyValue>();
    let at = 0;
    for await (const page of scan(this.#core, 'mirror', this.#range, { pageSize: this.#options.pageSize, signal })) {
      at = page.revision;
      for (const kv of page.kvs) {
        const entry = this.#decode(kv);
        if (entry) data.set(entry.key, entry);
      }
    }
    const { onDecryptionError } = this.#options;
    // Not given `signal`: it bounds the initial listing, not the life of the mirror.
    const options = { fromRevision: at + 1, bufferSize: this.#bound, onDecryptionError };
    const watch = await Watch.open(this.#core, this.#range, options, { standIn: this.#standIn });
    if (this.#stopped) return void (await watch.close()); // closed while relisting
    this.#data = data;
    this.#watch = watch;
    this.#advance(at);
  }

  /** A listed key-value, or `undefined` when it cannot be decoded and the mirror skips such values. */
  #decode(kv: Parameters<typeof toKeyValue>[1]): KeyValue | undefined {
    try {
      return toKeyValue(this.#core, kv);
    } catch (err) {
      if (this.#options.onDecryptionError !== 'skip' || !(err instanceof DecryptionError)) throw err;
      this.#skipped++;
      return undefined;
    }
  }

  /** Stands in for a change the watch skipped: the key leaves the copy, in order with the other changes. */
  readonly #standIn = (raw: IEvent, err: DecryptionError): WatchEvent => {
    this.#skipped++;
    const modRevision = revision(raw.kv.mod_revision);
    const ev: WatchEvent = {
      type: 'delete',
      key: err.key,
      value: Buffer.alloc(0),
      createRevision: 0,
      modRevision,
      version: 0,
    };
    this.#unreadable.add(ev);
    return ev;
  };

  async #run(): Promise<void> {
    while (!this.#stopped && this.#watch) {
      try {
        for await (const ev of this.#watch) {
          this.#apply(ev);
          if (!this.#unreadable.has(ev)) await this.#emit(ev);
        }
        return this.#stop();
      } catch (err) {
        if (this.#stopped) return;
        if (!(err instanceof CompactedError)) return this.#stop(err);
        const failed = await this.#relist();
        if (failed !== undefined) return this.#stop(failed);
        await this.#emit({ type: 'resync', revision: this.#revision, compactRevision: err.compactRevision });
      }
    }
  }

  /** Lists again after a compaction, retrying transient failures; resolves to the error that stopped it, if any. */
  async #relist(): Promise<unknown> {
    const backoff = new Backoff(RELIST_BACKOFF);
    while (!this.#stopped) {
      try {
        return void (await this.#load());
      } catch (err) {
        if (!(err instanceof EtcdKitError && err.retryable)) return err;
        if (!(await sleep(backoff.next(), this.#life.signal))) return undefined;
      }
    }
    return undefined;
  }

  #apply(ev: WatchEvent): void {
    if (ev.type === 'delete') this.#data.delete(ev.key);
    else {
      const { key, value, createRevision, modRevision, version, lease } = ev;
      this.#data.set(key, { key, value, createRevision, modRevision, version, lease });
    }
    // Not `ev.modRevision`: more events of the same revision may still be
    // buffered in the watch, and a revision counts only once all are applied.
    this.#advance(this.#watch ? consumedRevision(this.#watch) : 0);
  }

  #advance(revision: number): void {
    this.#revision = Math.max(this.#revision, revision);
    const ready = this.#waiters.filter((w) => w.revision <= this.#revision);
    this.#waiters = this.#waiters.filter((w) => w.revision > this.#revision);
    for (const w of ready) w.wake();
  }

  /** Hands a change to the reader, waiting while its queue is full; dropped when nobody reads. */
  async #emit(change: MirrorChange): Promise<void> {
    if (!this.#iterating) return;
    this.#queue.push(change);
    this.#wakeReader?.();
    while (this.#iterating && !this.#stopped && this.#queue.length >= this.#bound) {
      await new Promise<void>((resolve) => (this.#wakeWriter = resolve));
    }
  }

  #stop(err?: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#life.abort();
    if (err !== undefined) this.#failure = err;
    this.#core.resources.delete(this);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.fail(err ?? new ClosedError('mirror: closed before reaching the revision'));
    this.#wakeReader?.();
    this.#wakeWriter?.();
    void this.#watch?.close();
    this.#done.settle(err);
  }
}
