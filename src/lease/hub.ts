import type { Core } from '../core/core.js';
import { openKeepAliveStream, type KeepAliveStream } from '../transport/index.js';
import { TimeoutError, UnavailableError } from '../errors/index.js';
import { Backoff, sleep } from '../resilience/backoff.js';

/** What a kept-alive lease hears from the shared stream. */
export interface KeepAliveEvents {
  /** A renewal was acknowledged: the lease lives `ttl` seconds from `sentAt` (ms). */
  renewed(ttl: number, sentAt: number): void;
  /** The server answered that the lease no longer exists. */
  gone(): void;
  /** A renewal was still unanswered when the next one was due. */
  missed?(): void;
}

/** One renewal sent and not yet answered; answers for one lease come in order. */
interface Sent {
  readonly at: number;
  /** Set for a {@link KeepAliveHub.once} request: who waits for its answer. */
  readonly once?: { settled: boolean; resolve(ttl: number): void; fail(err: Error): void };
}

/** A lease renewed in the background. */
interface Kept {
  readonly intervalMs: number;
  readonly events: KeepAliveEvents;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Between two attempts to open the stream again: about 100 ms at first, with
 * jitter (every client that lost a member reconnects, not all at once), and
 * at most 2 s, well within the shortest TTL worth keeping alive, so a member
 * that came back is used again before a short lease expires.
 */
const RECONNECT = { initialMs: 100, floorMs: 50, maxMs: 2_000 } as const;

declare module '../core/core.js' {
  interface Core {
    /** The client's one keep-alive stream and its renewals, made by the first lease kept alive ({@link KeepAliveHub.of}). */
    keepAliveHub?: KeepAliveHub;
  }
}

/**
 * Every lease of a client renewed over one LeaseKeepAlive stream (as Go's
 * clientv3 does), each every third of its TTL. A stream that breaks, or that
 * leaves two renewals of a lease unanswered (a half-open connection), is
 * replaced with backoff and every lease renewed at once on the new one. The
 * hub never decides a lease is lost: each lease's expiry timer does, so a
 * silent network and a broken stream are handled the same way.
 */
export class KeepAliveHub {
  readonly #core: Core;
  readonly #kept = new Map<string, Kept>();
  readonly #sent = new Map<string, Sent[]>();
  #stream: KeepAliveStream | undefined;
  #opening: Promise<KeepAliveStream> | undefined;
  /** Aborts the pending wait before the next attempt to open the stream. */
  #retry: AbortController | undefined;
  readonly #backoff = new Backoff(RECONNECT);
  /** When the server last answered on the current stream. */
  #heardAt = 0;
  /** The shortest renewal interval of the leases kept so far (not raised when they go: a conservative bound). */
  #shortestMs = Infinity;
  /** {@link KeepAliveHub.once} callers waiting for the stream to open. */
  #onceOpening = 0;

  private constructor(core: Core) {
    this.#core = core;
  }

  /** The hub of `core`'s client. */
  static of(core: Core): KeepAliveHub {
    return (core.keepAliveHub ??= new KeepAliveHub(core));
  }

  /** Open keep-alive streams (0 or 1). */
  get streams(): number {
    return this.#stream ? 1 : 0;
  }

  /** Renews lease `wireId` every `intervalMs` until the returned function is called. */
  keep(wireId: string, intervalMs: number, events: KeepAliveEvents): () => void {
    const kept: Kept = { intervalMs, events, timer: undefined };
    this.#shortestMs = Math.min(this.#shortestMs, intervalMs);
    this.#kept.set(wireId, kept);
    if (this.#stream) this.#send(wireId, kept);
    else this.#openInBackground();
    return () => {
      if (this.#kept.get(wireId) !== kept) return;
      clearTimeout(kept.timer);
      this.#kept.delete(wireId);
      this.#idle();
    };
  }

  /** Renews lease `wireId` once; resolves to the TTL answered (0: the lease is gone). */
  async once(wireId: string, deadline: number): Promise<number> {
    let stream = this.#stream;
    if (!stream) {
      this.#onceOpening++;
      try {
        stream = await this.#open();
      } finally {
        this.#onceOpening--;
      }
    }
    return new Promise<number>((resolve, reject) => {
      const waiter = {
        settled: false,
        resolve: (ttl: number) => settle(() => resolve(ttl)),
        fail: (err: Error) => settle(() => reject(err)),
      };
      const timer = setTimeout(
        () => settle(() => reject(new TimeoutError('keep-alive: no answer before the deadline'))),
        Math.max(0, deadline - Date.now()),
      );
      const settle = (fn: () => void) => {
        if (waiter.settled) return;
        waiter.settled = true;
        clearTimeout(timer);
        fn();
        this.#idle();
      };
      this.#queue(wireId).push({ at: Date.now(), once: waiter });
      this.#write(stream, wireId);
    });
  }

  /** Opens the stream (once, however many ask at the same time); rejects when it cannot be opened. */
  async #open(): Promise<KeepAliveStream> {
    if (this.#stream) return this.#stream;
    this.#opening ??= this.#connect().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  #openInBackground(): void {
    this.#open().catch(() => this.#reconnectLater());
  }

  async #connect(): Promise<KeepAliveStream> {
    const stream = await openKeepAliveStream(this.#core.etcd);
    this.#stream = stream;
    this.#heardAt = Date.now();
    this.#core.resources.add(this);
    stream.on('data', (res) => this.#onData(res));
    stream.on('error', () => this.#broken(stream));
    stream.on('end', () => this.#broken(stream));
    for (const [id, kept] of this.#kept) this.#send(id, kept);
    // Everything that asked for the stream went away while it was opening (a
    // lease kept alive and closed at once): an open stream would keep the
    // process alive with nothing to renew.
    if (this.#kept.size === 0 && this.#onceOpening === 0) this.#idle();
    return stream;
  }

  #send(wireId: string, kept: Kept): void {
    const stream = this.#stream;
    if (!stream || this.#kept.get(wireId) !== kept) return;
    const queue = this.#queue(wireId);
    if (this.#silent(queue)) return this.#broken(stream);
    // One renewal of a lease in flight at a time: a busy server is not sent more (the expiry timer decides loss).
    if (!queue.some((q) => !q.once)) {
      queue.push({ at: Date.now() });
      this.#write(stream, wireId);
    } else {
      kept.events.missed?.();
    }
    // The next renewal is scheduled after the answer; this one covers a lost answer.
    this.#schedule(wireId, kept);
  }

  /**
   * A stream that answered nothing, with this renewal waiting, for twice the
   * renewal interval (at most the request timeout) is taken as dead
   * (half-open connection) and replaced. Silence of the whole stream, not a
   * slow answer for one lease: thousands of leases share it.
   */
  #silent(queue: Sent[]): boolean {
    const oldest = queue.find((q) => !q.once);
    if (!oldest) return false;
    const limit = Math.max(500, Math.min(this.#core.config.timeoutMs, 2 * this.#shortestMs));
    const now = Date.now();
    return now - oldest.at >= limit && now - this.#heardAt >= limit;
  }

  #write(stream: KeepAliveStream, wireId: string): void {
    try {
      stream.write({ ID: wireId });
    } catch {
      this.#broken(stream);
    }
  }

  #onData(res: { ID: string; TTL: string }): void {
    this.#heardAt = Date.now();
    const wireId = String(res.ID);
    const sent = this.#sent.get(wireId)?.shift();
    if (this.#sent.get(wireId)?.length === 0) this.#sent.delete(wireId);
    const ttl = Math.max(0, Number(res.TTL));
    this.#backoff.reset();
    sent?.once?.resolve(ttl);
    const kept = this.#kept.get(wireId);
    if (!kept) return;
    if (ttl === 0) {
      clearTimeout(kept.timer);
      this.#kept.delete(wireId);
      kept.events.gone();
      return this.#idle();
    }
    kept.events.renewed(ttl, sent?.at ?? Date.now());
    this.#schedule(wireId, kept);
  }

  #schedule(wireId: string, kept: Kept): void {
    clearTimeout(kept.timer);
    kept.timer = setTimeout(() => this.#send(wireId, kept), kept.intervalMs);
    kept.timer.unref();
  }

  #queue(wireId: string): Sent[] {
    let queue = this.#sent.get(wireId);
    if (!queue) this.#sent.set(wireId, (queue = []));
    return queue;
  }

  #broken(stream: KeepAliveStream): void {
    if (stream !== this.#stream) return;
    this.#drop();
    if (this.#kept.size > 0) this.#reconnectLater();
  }

  #reconnectLater(): void {
    this.#retry?.abort();
    this.#retry = undefined;
    if (this.#kept.size === 0) return;
    const retry = new AbortController();
    this.#retry = retry;
    // Unreferenced, as the renewal timers are: a keep-alive alone does not hold the process open.
    void sleep(this.#backoff.next(), retry.signal, undefined, { unref: true }).then((slept) => {
      if (!slept) return;
      if (this.#retry === retry) this.#retry = undefined;
      this.#openInBackground();
    });
  }

  /** Closes the stream once no lease is kept and no single renewal waits. */
  #idle(): void {
    const waiting = [...this.#sent.values()].some((q) => q.some((s) => s.once && !s.once.settled));
    if (this.#kept.size === 0 && !waiting) this.close();
  }

  #drop(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    this.#core.resources.delete(this);
    const waiting = [...this.#sent.values()].flat();
    this.#sent.clear();
    for (const kept of this.#kept.values()) clearTimeout(kept.timer);
    try {
      stream?.cancel();
    } catch {
      // Already closed: nothing to release.
    }
    // A single renewal fails now rather than at its deadline: its caller may retry on another member.
    for (const s of waiting) s.once?.fail(new UnavailableError('keep-alive: the stream broke before the answer'));
  }

  /** Ends the stream and stops reconnecting (the client is closing, or nothing is kept alive). */
  close(): void {
    this.#retry?.abort();
    this.#retry = undefined;
    this.#drop();
  }
}
