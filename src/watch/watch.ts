import { checkCallOptions } from '../core/options.js';
import type { IEvent, IWatchCreateRequest, IWatchResponse } from 'etcd3';
import type { Core } from '../core/core.js';
import { headerRevision, revision } from '../core/ids.js';
import {
  AuthError,
  CancelledError,
  ClosedError,
  CompactedError,
  DecryptionError,
  type EtcdKitError,
  PermissionDeniedError,
  ValidationError,
  mapError,
} from '../errors/index.js';
import { Settlement } from '../events/index.js';
import { cancelError, dropStream } from '../core/stream.js';
import type { RawStream } from '../transport/index.js';
import { toWatchEvent, type WatchEvent } from '../kv/events.js';
import type { InvalidKeyPolicy } from '../keys/index.js';
import { Backoff, sleep } from '../resilience/backoff.js';
import { type Clock, systemClock } from '../resilience/clock.js';
import { ownLink, sharedLink, type WatchLink } from './link.js';
import { createRequest, DEFAULT_BUFFER, validate, type WatchOptions } from './options.js';
import { ProgressRequests } from './progress.js';
import { probeProgress } from './progress-probe.js';
import type { CallOptions } from '../core/call.js';

/**
 * Between two attempts to create the watcher again: about 100 ms at first (a
 * member restart or a leader election is usually over within a few hundred
 * ms), at least 50 ms, at most 3 s (a watch that reconnects late only delivers
 * late; it loses nothing).
 */
const BACKOFF = { initialMs: 100, floorMs: 50, maxMs: 3000 } as const;

/**
 * @internal What stands in the event stream for an event that was skipped
 * because it could not be decoded (the mirror drops the key); nothing when
 * `undefined` is returned.
 */
export type Undecodable = (raw: IEvent, err: DecryptionError) => WatchEvent | undefined;

/**
 * @internal What a watch is built with beyond its options: the seam through
 * which the mirror changes how undecodable events are handled, and unit tests
 * give a fake stream and a fake clock.
 */
export interface WatchParts {
  readonly standIn?: Undecodable;
  /** Default: the client's shared streams, or a stream of its own with `ownStream`. */
  readonly link?: WatchLink;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /**
   * Sees each whole response once its events are buffered, and each progress
   * response (no events): its header revision and raw events. A history reads
   * from it when it has received every change up to a revision.
   */
  readonly observe?: (header: number, events: IWatchResponse['events']) => void;
}

/** Permanent failures: reconnecting would meet them again. */
function permanent(err: EtcdKitError): boolean {
  return (
    err instanceof PermissionDeniedError ||
    err instanceof ValidationError ||
    err instanceof ClosedError ||
    err instanceof CompactedError
  );
}

let readConsumed: (watch: Watch) => number;

/**
 * The revision up to which the consumer of `watch` has taken every event: a
 * revision whose last event is still buffered does not count. A consumer
 * that applies each event before asking for the next (the mirror) is
 * current to this revision once it applied the event in hand.
 */
export function consumedRevision(watch: Watch): number {
  return readConsumed(watch);
}

/**
 * A stream of changes to a key or a prefix, in revision order, that survives
 * dropped connections and restarted members: it resumes from the revision
 * after the last event it received, so no event is lost or repeated.
 *
 * Iterate it with `for await` (leaving the loop closes it) or pass a
 * `callback`: not both.
 *
 * @example
 * ```ts
 * await using watch = await client.watchPrefix('/jobs/', { fromRevision: checkpoint + 1 });
 * for await (const ev of watch) {
 *   if (ev.type === 'put') schedule(ev.key, ev.value);
 *   checkpoint = ev.modRevision;
 * }
 * ```
 */
export class Watch implements AsyncIterable<WatchEvent>, AsyncDisposable {
  readonly #core: Core;
  readonly #link: WatchLink;
  readonly #clock: Clock;
  // Both made at the first failure: most watches never need them (heap per watch).
  #backoff: Backoff | undefined;
  /** Aborted when the watch ends: cancels a pending backoff at once. */
  #life: AbortController | undefined;
  readonly #request: IWatchCreateRequest;
  readonly #bound: number;
  /** On a stream of its own (pauses it when full) rather than a shared one (detaches when full). */
  readonly #own: boolean;
  readonly #signal: AbortSignal | undefined;
  readonly #skip: boolean;
  readonly #invalidKeys: InvalidKeyPolicy | undefined;
  readonly #standIn: Undecodable | undefined;
  readonly #observe: WatchParts['observe'];
  #skipped = 0;
  // The engine's callbacks are assigned in the constructor, not written as
  // class-field arrows: a field initialiser names its function, and the build
  // (keepNames) then redefines `name` on each one, which costs every watch a
  // property store per callback (about 256 bytes each).
  readonly #onAbort: (() => void) | undefined;
  readonly #onResponse: (stream: RawStream, res: IWatchResponse) => void;
  readonly #onBroken: (stream: RawStream, err: unknown) => void;
  readonly #buffer: WatchEvent[] = [];
  #next: number;
  #watchId = '';
  #createdAt = 0;
  #stream: RawStream | undefined;
  /** The stream last dropped (broken or cancelled), so an attach that resolves with it knows. */
  #dropped: RawStream | undefined;
  #fragments: IWatchResponse['events'] = [];
  #paused = false;
  #cancelDetachCheck: (() => void) | undefined;
  /** True from a broken stream until its replacement is created. */
  #resuming = false;
  #authFailures = 0;
  /** Waiting out a backoff before creating the watcher again. */
  #backingOff = false;
  #wake: (() => void) | undefined;
  #consumer: 'iterator' | 'callback' | undefined;
  #failure: unknown;
  #stopped = false;
  // Made when first needed: most watches are never asked for `done` or progress (heap per watch).
  #done: Settlement | undefined;
  #progress: ProgressRequests | undefined;
  /** The callback of a watch consumed by one, and whether its delivery is scheduled, running or awaiting it. */
  #callback: ((event: WatchEvent) => void | Promise<void>) | undefined;
  #draining = false;
  readonly #drainTask: () => void;

  private constructor(core: Core, request: IWatchCreateRequest, options: WatchOptions, parts: WatchParts) {
    this.#core = core;
    this.#skip = options.onDecryptionError === 'skip';
    this.#invalidKeys = options.invalidKeys;
    this.#standIn = parts.standIn;
    this.#observe = parts.observe;
    this.#request = request;
    this.#bound = options.bufferSize ?? DEFAULT_BUFFER;
    this.#own = options.ownStream === true;
    this.#link = parts.link ?? (this.#own ? ownLink(core) : sharedLink(core));
    this.#clock = parts.clock ?? systemClock;
    this.#signal = options.signal;
    this.#next = options.fromRevision ?? 0;
    this.#onAbort = options.signal
      ? () => this.#fail(new CancelledError('watch: aborted', { cause: this.#signal?.reason }))
      : undefined;
    this.#onResponse = (stream, res) => this.#response(stream, res);
    this.#onBroken = (stream, err) => this.#broken(stream, err);
    this.#drainTask = () => this.#drain();
  }

  /** @internal Creates the watch on the server; resolves once etcd confirmed it. */
  static async open(
    core: Core,
    range: { readonly key: Buffer; readonly rangeEnd?: Buffer },
    options: WatchOptions = {},
    parts: WatchParts = {},
  ): Promise<Watch> {
    validate(options);
    if (core.caller.closed) throw new ClosedError('watch: the client is closed');
    if (options.signal?.aborted) throw new CancelledError('watch: aborted', { cause: options.signal.reason });
    const watch = new Watch(core, createRequest(range, options), options, parts);
    core.resources.add(watch);
    if (watch.#onAbort) options.signal?.addEventListener('abort', watch.#onAbort, { once: true });
    try {
      // The watch's creation is its call, for telemetry; its key (decoded) only when keys are recorded.
      const telemetry = core.caller.telemetry;
      const observer = telemetry.startCall(
        'read',
        'watch',
        telemetry.recordKeys ? core.keys.decode(range.key) : undefined,
      );
      observer?.attemptStarted(1);
      await (observer ? observer.run(() => watch.#first()) : watch.#first());
      // Only the creation waited on it: a later `done` makes a new one.
      watch.#done = undefined;
    } catch (err) {
      await watch.close();
      throw err;
    }
    if (options.callback) watch.#pump(options.callback);
    return watch;
  }

  /**
   * The revision up to which this watch has received every change: the last
   * event's `modRevision`, or later when the server reported progress.
   */
  get revision(): number {
    return this.#next - 1;
  }

  /**
   * Events dropped because their value could not be decoded, with
   * `onDecryptionError: 'skip'` (always 0 otherwise: such an event ends the
   * watch). Counted as they arrive, before the events buffered ahead of them
   * are consumed.
   */
  get skipped(): number {
    return this.#skipped;
  }

  // Hands `consumedRevision` (below the class) a reader of the buffer: the mirror's need, not a member.
  static {
    readConsumed = (watch) => {
      const next = watch.#buffer[0];
      return next ? next.modRevision - 1 : watch.#next - 1;
    };
  }

  /**
   * Events received and not yet consumed. Stays near `bufferSize`: past it the
   * watch stops reading until the consumer catches up.
   */
  get pending(): number {
    return this.#buffer.length;
  }

  /**
   * Asks etcd for the watch's progress (etcd's `RequestProgress`) and
   * resolves to the revision the server says this watch is current at: every
   * change up to it in the watched range has been sent. A cache fed by the
   * watch can use it to prove it is up to date without a write.
   *
   * A watch on a shared stream (the default) does not ask on that stream:
   * etcd answers a progress request for a whole stream, and only once every
   * watch on it is in sync, so another watch catching up would hold the
   * answer back, and a watch detached as a slow consumer has no watcher on
   * the server to answer for. It opens a short-lived watcher of its own over
   * the same range, from the revision after its last event: an answer at R
   * with no event in between, or a first event at F (then F - 1), proves the
   * watch has received every change up to that revision. The answer is never
   * below {@link Watch.revision}. Events still buffered for a slow consumer
   * count as received.
   *
   * With `ownStream`, the request goes on the watch's stream. On etcd before
   * 3.4.24 and 3.5.8 the server may answer there before events it already
   * queued for the watch (etcd-io/etcd#15220): events at or below the
   * returned revision may still arrive after it. The watch's own resume
   * point is never moved by an answer, so no event is skipped.
   * @example `const current = await watch.requestProgress();`
   * @throws {@link ClosedError} when the watch has ended.
   * @throws {@link TimeoutError} when no answer comes within the timeout.
   */
  async requestProgress(options: CallOptions = {}): Promise<number> {
    checkCallOptions(options);
    if (this.#stopped) throw this.#failure ?? new ClosedError('watch.requestProgress: the watch is closed');
    const timeoutMs = options.timeoutMs ?? this.#core.config.timeoutMs;
    const progress = (this.#progress ??= new ProgressRequests());
    const answer = progress.wait(timeoutMs, options);
    if (this.#own) {
      // Without a stream (reconnecting) the request goes out once the watch is attached again.
      this.#stream?.write({ progress_request: {} });
    } else {
      // A shared stream answers only once every watch on it is in sync, and a
      // detached watch has no watcher on the server: a probe of its own answers.
      probeProgress(this.#core, this.#request, this.#next, timeoutMs, this.#settlement().promise).then(
        (rev) => progress.answered(Math.max(rev, this.#next - 1)),
        (err: unknown) => progress.failAll(mapError(err, { op: 'watch.requestProgress' })),
      );
    }
    return answer;
  }

  /** Settles when the watch ends: resolves on {@link Watch.close}, rejects with the error that ended it. */
  get done(): Promise<void> {
    return this.#settlement().promise;
  }

  /** The settlement behind {@link Watch.done}, made on first use (settled at once if the watch has ended). */
  #settlement(): Settlement {
    if (!this.#done) {
      this.#done = new Settlement();
      if (this.#stopped) this.#done.settle(this.#failure);
    }
    return this.#done;
  }

  /** Stops the watch and releases its stream. Idempotent. */
  async close(): Promise<void> {
    this.#stop();
  }

  /** Same as {@link Watch.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The events, in revision order. One consumer only: a second iteration, or
   * iterating a watch that has a callback, rejects with {@link ValidationError}.
   * Leaving the loop closes the watch; a failure (for instance
   * {@link CompactedError}) is thrown after the events received before it.
   */
  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    if (this.#consumer) {
      const why = this.#consumer === 'callback' ? 'it has a callback' : 'it is already being iterated';
      return refuse(new ValidationError(`a watch can be consumed once: ${why}`));
    }
    this.#consumer = 'iterator';
    return this.#events();
  }

  async *#events(): AsyncGenerator<WatchEvent> {
    try {
      for (;;) {
        if (this.#stopped && this.#failure === undefined) return;
        const ev = this.#buffer.shift();
        if (ev) {
          this.#maybeResume();
          yield ev;
          continue;
        }
        if (this.#failure !== undefined) throw this.#failure;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      this.#stop();
    }
  }

  /**
   * Feeds the callback: the same order and ending as {@link #events}, without
   * an async generator. A callback that returns no promise gets the buffered
   * events one after the other with no await between them (an await per event
   * cost as much client CPU as the event itself); one that returns a promise
   * gets the next event once it settles.
   */
  #pump(callback: (event: WatchEvent) => void | Promise<void>): void {
    this.#consumer = 'callback';
    this.#callback = callback;
    this.#scheduleDrain();
  }

  // Delivery to a callback is a task queued when events arrive, not a loop
  // parked on a promise: an idle watch holds no suspended function, promise
  // or resolver (heap per watch).
  #scheduleDrain(): void {
    if (this.#draining) return;
    this.#draining = true;
    queueMicrotask(this.#drainTask);
  }

  #drain(): void {
    const callback = this.#callback;
    if (!callback) return;
    try {
      for (;;) {
        if (this.#stopped && this.#failure === undefined) return this.#endDelivery();
        const ev = this.#buffer.shift();
        if (!ev) {
          if (this.#failure !== undefined) throw this.#failure;
          this.#draining = false;
          return;
        }
        this.#maybeResume();
        const pending = callback(ev);
        if (pending && typeof pending.then === 'function') {
          // The next event waits for this one; `#draining` stays set meanwhile.
          pending.then(this.#drainTask, (err: unknown) => this.#callbackFailed(err));
          return;
        }
      }
    } catch (err) {
      this.#callbackFailed(err);
    }
  }

  #callbackFailed(err: unknown): void {
    // A callback's error ends the watch (see Watch.done) and is reported as any listener's;
    // the watch's own failure was recorded already.
    if (err !== this.#failure) this.#core.caller.telemetry.listenerError('watch.callback', err);
    // Record the callback's error before the cleanup closes the watch.
    this.#fail(err);
    this.#endDelivery();
  }

  #endDelivery(): void {
    this.#callback = undefined;
    this.#stop();
  }

  /** The first creation: transient failures are retried within the request timeout. */
  async #first(): Promise<void> {
    const clock = this.#clock;
    const deadline = clock.now() + this.#core.config.timeoutMs;
    for (;;) {
      try {
        // Settles early when the watch is aborted or fails while being created.
        await Promise.race([this.#attach(Math.max(1, deadline - clock.now())), this.#settlement().promise]);
        if (this.#failure !== undefined) throw this.#failure;
        return;
      } catch (err) {
        const mapped = mapError(err, { op: 'watch' });
        if (this.#failure !== undefined) throw this.#failure;
        const again = mapped instanceof AuthError ? this.#authFailures++ === 0 : mapped.retryable;
        if (mapped instanceof AuthError) this.#link.forgetToken();
        const delay = this.#nextDelay();
        if (!again || permanent(mapped) || clock.now() + delay >= deadline) throw mapped;
        if (await this.#sleep(delay)) continue;
        if (this.#failure !== undefined) throw this.#failure;
        return;
      }
    }
  }

  async #attach(timeoutMs: number): Promise<void> {
    // A shared watch with a full buffer stays detached until the consumer catches up (see #maybeResume).
    if (!this.#own && this.#buffer.length >= this.#bound) {
      this.#paused = true;
      return;
    }
    const from = this.#next;
    const request = from > 0 ? { ...this.#request, start_revision: from } : this.#request;
    const handlers = { onResponse: this.#onResponse, onBroken: this.#onBroken };
    const { stream } = await this.#link.attach(request, handlers, timeoutMs);
    if (this.#stopped) return dropStream(stream);
    if (this.#dropped === stream) return; // canceled by the server right after creation; a retry is scheduled
    this.#stream = stream;
    this.#paused = false;
    if (this.#resuming) this.#core.caller.telemetry.watch({ type: 'resume', fromRevision: from });
    this.#resuming = false;
    this.#backoff?.reset();
    this.#authFailures = 0;
    if (this.#own && this.#progress?.waiting) stream.write({ progress_request: {} });
    if (this.#buffer.length >= this.#bound) this.#pause();
  }

  #response(stream: RawStream, res: IWatchResponse): void {
    if (this.#stopped || (this.#stream !== undefined && stream !== this.#stream)) return;
    if (res.canceled) return this.#canceled(stream, cancelError(res, this.#next, this.#createdAt));
    if (res.created) {
      this.#watchId = String(res.watch_id);
      this.#createdAt = headerRevision(res);
      this.#fragments = []; // a revision cut short by a broken stream is sent again whole
      // Without a start revision, the server watches from the revision after the one in its header.
      if (this.#next === 0) this.#next = headerRevision(res) + 1;
      return;
    }
    if (res.events.length === 0) {
      // A progress notification for this watcher: every change up to the header revision was sent.
      const id = String(res.watch_id);
      if (id === this.#watchId) this.#next = Math.max(this.#next, headerRevision(res) + 1);
      // An answer to requestProgress: id -1 in etcd 3.4 (broadcast to the stream's watchers: this one).
      if (id === this.#watchId || id === '-1') this.#progress?.answered(headerRevision(res));
      return this.#observe?.(headerRevision(res), res.events);
    }
    // A shared watch whose buffer is still full when the next response comes
    // (the consumer did not drain in between) leaves that response unread and
    // detaches now: its events come again from the server once it resumes, so
    // the buffer exceeds its bound by one response at most.
    if (!this.#own && this.#buffer.length >= this.#bound) return this.#detach(stream);
    // A revision too large for one message comes in fragments: deliver it whole or not at all.
    this.#fragments.push(...res.events);
    if (res.fragment) return;
    const events = this.#fragments;
    this.#fragments = [];
    this.#deliver(events, headerRevision(res));
    if (!this.#stopped) this.#observe?.(headerRevision(res), events);
  }

  #deliver(events: IWatchResponse['events'], current: number): void {
    const from = this.#next;
    let last = from - 1;
    try {
      for (const raw of events) {
        const at = revision(raw.kv.mod_revision);
        if (at < from) continue; // already delivered before a reconnect
        const ev = this.#decode(raw);
        if (ev) this.#buffer.push(ev);
        last = at;
      }
    } catch (err) {
      return this.#fail(mapError(err, { op: 'watch' }));
    }
    this.#next = Math.max(from, last + 1);
    const telemetry = this.#core.caller.telemetry;
    if (last >= from && telemetry.wants('watch')) {
      telemetry.watch({ type: 'delivered', count: events.length, revision: last, lag: Math.max(0, current - last) });
    }
    if (this.#buffer.length >= this.#bound) this.#pause();
    this.#wakeUp();
  }

  /** The event, or what stands in for it when it cannot be decoded and the watch skips such events. */
  #decode(raw: IEvent): WatchEvent | undefined {
    try {
      return toWatchEvent(this.#core, raw, this.#invalidKeys);
    } catch (err) {
      if (!this.#skip || !(err instanceof DecryptionError)) throw err;
      this.#skipped++;
      return this.#standIn?.(raw, err);
    }
  }

  /** etcd cancels a watcher for compaction, but also when a restarted member refused the auth token. */
  #canceled(stream: RawStream, err: EtcdKitError): void {
    if (permanent(err) || !(err instanceof AuthError || err.retryable)) return this.#fail(err);
    this.#stream ??= stream;
    this.#onBroken(stream, err);
  }

  /**
   * Without a current stream, the one reporting is the one being attached: it
   * broke in the same turn as its `created` response, before the attach's
   * promise resumed the engine (which then sees it dropped). Streams dropped
   * earlier report nothing: their listeners are gone.
   */
  #broken(stream: RawStream, err: unknown): void {
    if (this.#stopped || (this.#stream !== undefined && stream !== this.#stream)) return;
    this.#dropped = stream;
    dropStream(stream);
    this.#stream = undefined;
    this.#retryAfter(err);
  }

  /** Decides whether a failed (re)connection is worth another try, and schedules it. */
  #retryAfter(err: unknown): void {
    const mapped = mapError(err, { op: 'watch' });
    if (mapped instanceof AuthError) {
      // A restarted member forgets tokens: get a new one, but do not loop on a wrong password.
      if (this.#authFailures++ > 1) return this.#fail(mapped);
      this.#link.forgetToken();
    } else if (permanent(mapped)) {
      return this.#fail(mapped);
    }
    this.#resuming = true;
    const attempt = (this.#backoff?.attempts ?? 0) + 1;
    this.#core.caller.telemetry.watch({ type: 'reconnect', attempt, error: mapped });
    void this.#reattachAfter(this.#nextDelay());
  }

  #nextDelay(): number {
    this.#backoff ??= new Backoff(BACKOFF);
    return this.#backoff.next();
  }

  /** Waits `ms`; resolves `false` at once when the watch ends (closed, aborted or failed) meanwhile. */
  #sleep(ms: number): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    this.#life ??= new AbortController();
    return sleep(ms, this.#life.signal, this.#clock);
  }

  /** Creates the watcher again after `delay`, unless the watch ends first (the wait then ends at once). */
  async #reattachAfter(delay: number): Promise<void> {
    this.#backingOff = true;
    const slept = await this.#sleep(delay);
    this.#backingOff = false;
    if (slept) this.#reattach();
  }

  #reattach(): void {
    this.#attach(this.#core.config.timeoutMs).catch((e: unknown) => {
      if (!this.#stopped) this.#retryAfter(e);
    });
  }

  /**
   * A full buffer: a watch on its own stream stops reading it (etcd holds the
   * rest). A shared stream must keep flowing for the other watches on it
   * (head-of-line blocking, etcd-io/etcd#17529), so this watcher is cancelled
   * on the server instead; it is created again from the revision after its
   * last event once the consumer has taken half the buffer.
   */
  #pause(): void {
    if (this.#paused || !this.#stream) return;
    if (this.#own) {
      this.#paused = true;
      return this.#stream.pause();
    }
    // Give a consumer that is merely behind by a burst one turn of the event
    // loop to drain, so a fast one is not detached (and made to catch up from
    // the server) by responses that arrived together.
    if (this.#cancelDetachCheck) return;
    const stream = this.#stream;
    this.#cancelDetachCheck = this.#clock.soon(() => {
      this.#cancelDetachCheck = undefined;
      if (this.#stopped || this.#stream !== stream || this.#buffer.length < this.#bound) return;
      this.#detach(stream);
    });
  }

  /** Cancels this shared watch's watcher until the consumer catches up (see {@link #maybeResume}). */
  #detach(stream: RawStream): void {
    this.#cancelDetachCheck?.();
    this.#cancelDetachCheck = undefined;
    this.#fragments = []; // a revision cut short comes again whole
    this.#paused = true;
    dropStream(stream);
    this.#stream = undefined;
  }

  #maybeResume(): void {
    if (!this.#paused || this.#buffer.length > this.#bound / 2) return;
    this.#paused = false;
    if (this.#own) return this.#stream?.resume();
    if (this.#stream || this.#backingOff || this.#stopped) return; // a reconnection is already under way
    this.#reattach();
  }

  #wakeUp(): void {
    if (this.#callback) return this.#scheduleDrain();
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Ends the watch with an error; events already received are still delivered first. */
  #fail(err: unknown): void {
    if (this.#stopped) return;
    this.#failure = err;
    this.#halt();
    this.#done?.settle(err);
  }

  /** Ends the watch without an error (closed or aborted). */
  #stop(): void {
    if (this.#stopped) return;
    this.#buffer.length = 0;
    this.#halt();
    this.#done?.settle();
  }

  #halt(): void {
    this.#stopped = true;
    this.#progress?.failAll(this.#failure ?? new ClosedError('watch.requestProgress: the watch is closed'));
    this.#life?.abort();
    this.#cancelDetachCheck?.();
    dropStream(this.#stream);
    this.#stream = undefined;
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#core.resources.delete(this);
    this.#wakeUp();
  }
}

function refuse(err: Error): AsyncIterator<WatchEvent> {
  return { next: () => Promise.reject(err) };
}
