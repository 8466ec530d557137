import type { IWatchCreateRequest, IWatchResponse } from 'etcd3';
import type { Core } from '../core/core.js';
import { TimeoutError, UnavailableError } from '../errors/index.js';
import type { Attached, StreamHandlers } from '../core/stream.js';
import { forgetToken, openWatchStream, type RawStream, type WatchStream as GrpcStream } from '../transport/index.js';

/** Watchers one shared stream takes before another stream is opened. */
export const WATCHERS_PER_STREAM = 1000;
/** Shared streams one client opens at most; past that, watchers go to the least loaded one. */
export const MAX_SHARED_STREAMS = 8;

/** A create request waiting for its `created` response (answered in order). */
interface Creating {
  readonly handle: Watcher;
  readonly resolve: (a: Attached) => void;
  readonly reject: (err: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  abandoned: boolean;
}

/**
 * One watcher on a shared stream, seen by its watch as a stream of its own:
 * `cancel()` cancels this watcher only; `pause()`/`resume()` do nothing (a
 * slow watch detaches instead of pausing a stream others read).
 */
class Watcher implements RawStream {
  id: string | undefined;
  detached = false;
  constructor(
    readonly shared: SharedStream,
    readonly handlers: StreamHandlers,
  ) {}
  write(item: { progress_request?: Record<string, never> }): void {
    if (item.progress_request && !this.detached) this.shared.write({ progress_request: {} });
  }
  cancel(): void {
    this.shared.detach(this);
  }
  pause(): void {}
  resume(): void {}
  on(): this {
    return this;
  }
  removeAllListeners(): this {
    return this;
  }
}

/** A gRPC watch stream carrying many watchers, dispatching responses by watch id. */
class SharedStream {
  readonly #pool: WatchPool;
  readonly #grpc: GrpcStream;
  readonly #watchers = new Map<string, Watcher>();
  readonly #creating: Creating[] = [];
  #broken = false;
  /** When the server last sent anything on this stream. */
  #heardAt = Date.now();

  constructor(pool: WatchPool, grpc: GrpcStream) {
    this.#pool = pool;
    this.#grpc = grpc;
    grpc.on('data', (res) => this.#onData(res));
    grpc.on('error', (err) => this.#break(err));
    grpc.on('end', () => this.#break(new Error('watch stream ended')));
  }

  /** Watchers picked for this stream whose create is not written yet. */
  #reserved = 0;

  /** Watchers on it, including those being created or about to be. */
  get load(): number {
    return this.#watchers.size + this.#creating.length + this.#reserved;
  }

  /** Counts a watcher in before its create is written, so watchers created at once spread over streams. */
  reserve(): this {
    this.#reserved++;
    return this;
  }

  get broken(): boolean {
    return this.#broken;
  }

  create(request: IWatchCreateRequest, handlers: StreamHandlers, timeoutMs: number): Promise<Attached> {
    this.#reserved = Math.max(0, this.#reserved - 1);
    if (this.#broken) return Promise.reject(new UnavailableError('watch: the shared stream closed'));
    return new Promise<Attached>((resolve, reject) => {
      const creating: Creating = {
        handle: new Watcher(this, handlers),
        resolve,
        reject,
        timer: undefined,
        abandoned: false,
      };
      this.#creating.push(creating);
      this.#watchdog(creating, timeoutMs, timeoutMs);
      this.write({ create_request: request });
    });
  }

  // Creates are answered in order: thousands created at once wait their turn
  // while the stream makes progress. A stream silent for the whole timeout is
  // taken as dead, and every watcher on it moves to a new one.
  #watchdog(creating: Creating, timeoutMs: number, waitMs: number): void {
    creating.timer = setTimeout(() => {
      const silentMs = Date.now() - this.#heardAt;
      if (silentMs < timeoutMs) return this.#watchdog(creating, timeoutMs, timeoutMs - silentMs);
      this.#break(new TimeoutError(`watch: not created within ${timeoutMs} ms`));
    }, waitMs);
  }

  write(item: Parameters<GrpcStream['write']>[0]): void {
    if (this.#broken) return;
    try {
      this.#grpc.write(item);
    } catch (err) {
      this.#break(err);
    }
  }

  /** Removes a watcher; the server is told to cancel it. */
  detach(handle: Watcher): void {
    if (handle.detached) return;
    handle.detached = true;
    const pending = this.#creating.find((c) => c.handle === handle);
    if (pending) pending.abandoned = true;
    else if (handle.id !== undefined && this.#watchers.delete(handle.id))
      this.write({ cancel_request: { watch_id: handle.id } });
    this.#closeIfIdle();
  }

  #onData(res: IWatchResponse): void {
    this.#heardAt = Date.now();
    if (res.created) return this.#onCreated(res);
    const handle = this.#watchers.get(String(res.watch_id));
    if (res.canceled && handle) this.#watchers.delete(handle.id!);
    if (handle && !handle.detached) handle.handlers.onResponse(handle, res);
    // etcd 3.4 answers a progress request with watch id -1 once every watcher of the stream is in sync.
    if (!handle && res.events.length === 0 && !res.canceled) {
      for (const w of [...this.#watchers.values()]) w.handlers.onResponse(w, res);
    }
  }

  #onCreated(res: IWatchResponse): void {
    const creating = this.#creating.shift();
    if (!creating) return;
    clearTimeout(creating.timer);
    const { handle } = creating;
    const id = String(res.watch_id);
    if (creating.abandoned) {
      if (!res.canceled) this.write({ cancel_request: { watch_id: id } });
      return this.#closeIfIdle();
    }
    if (!res.canceled) {
      handle.id = id;
      this.#watchers.set(id, handle);
    }
    creating.resolve({ stream: handle, created: res });
    handle.handlers.onResponse(handle, res);
  }

  #break(err: unknown): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#pool.forget(this);
    this.#grpc.removeAllListeners();
    this.#grpc.on('error', () => undefined);
    this.#grpc.cancel();
    for (const c of this.#creating.splice(0)) {
      clearTimeout(c.timer);
      if (!c.abandoned) c.reject(err);
    }
    const watchers = [...this.#watchers.values()];
    this.#watchers.clear();
    for (const w of watchers) if (!w.detached) w.handlers.onBroken(w, err);
  }

  #closeIfIdle(): void {
    if (this.load > 0 || this.#broken) return;
    this.#broken = true;
    this.#pool.forget(this);
    this.#grpc.removeAllListeners();
    this.#grpc.on('error', () => undefined);
    this.#grpc.cancel();
  }
}

declare module '../core/core.js' {
  interface Core {
    /** The client's shared watch streams, made by the first watch ({@link WatchPool.of}). */
    watchPool?: WatchPool;
  }
}

/**
 * The shared watch streams of one client: up to {@link WATCHERS_PER_STREAM}
 * watchers per stream and at most {@link MAX_SHARED_STREAMS} streams.
 */
export class WatchPool {
  readonly #core: Core;
  readonly #streams = new Set<SharedStream>();
  #opening: Promise<SharedStream> | undefined;

  private constructor(core: Core) {
    this.#core = core;
  }

  static of(core: Core): WatchPool {
    return (core.watchPool ??= new WatchPool(core));
  }

  /** Open shared streams. */
  get streams(): number {
    return this.#streams.size;
  }

  /** Creates a watcher on a shared stream; resolves on the server's `created` response. */
  async attach(request: IWatchCreateRequest, handlers: StreamHandlers, timeoutMs: number): Promise<Attached> {
    const stream = await this.#pick();
    return stream.create(request, handlers, timeoutMs);
  }

  /** The auth token was refused: the next stream opened authenticates again. */
  forgetToken(): void {
    forgetToken(this.#core.etcd);
  }

  forget(stream: SharedStream): void {
    this.#streams.delete(stream);
  }

  async #pick(): Promise<SharedStream> {
    for (;;) {
      const live = [...this.#streams].filter((s) => !s.broken);
      const roomy = live.find((s) => s.load < WATCHERS_PER_STREAM);
      if (roomy) return roomy.reserve();
      if (live.length >= MAX_SHARED_STREAMS) return live.reduce((a, b) => (b.load < a.load ? b : a)).reserve();
      // Watchers created while a stream is being opened wait for it, then look again.
      if (this.#opening) {
        await this.#opening;
        continue;
      }
      this.#opening = this.#open().finally(() => (this.#opening = undefined));
      return (await this.#opening).reserve();
    }
  }

  async #open(): Promise<SharedStream> {
    const grpc = await openWatchStream(this.#core.etcd);
    const stream = new SharedStream(this, grpc);
    this.#streams.add(stream);
    return stream;
  }
}
