import type { Core } from '../core/core.js';
import { leaseToWire } from '../core/ids.js';

/** What a running keep-alive loop reports to its lease. */
export interface KeepAliveEvents {
  /** A renewal was acknowledged: the lease lives `ttl` seconds from `sentAt` (ms). */
  renewed(ttl: number, sentAt: number): void;
  /** The server answered that the lease no longer exists. */
  gone(): void;
  /** A renewal went unanswered: the stream is replaced. */
  missed?(): void;
}

/** Minimal view of etcd3's duplex keep-alive stream. */
interface KeepAliveStream {
  write(item: { ID: string }): void;
  end(): void;
  cancel(): void;
  on(event: 'data', fn: (res: { TTL: string }) => void): KeepAliveStream;
  on(event: 'error', fn: (err: Error) => void): KeepAliveStream;
  on(event: 'end', fn: () => void): KeepAliveStream;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;

/**
 * Renews one lease over a LeaseKeepAlive stream every third of its TTL (as
 * Go's client does), reopening the stream with backoff after it breaks. It
 * never decides the lease is lost on its own: the lease's expiry timer does,
 * so a silent network and a broken stream are handled the same way.
 */
export class KeepAliveLoop {
  readonly #core: Core;
  readonly #wireId: string;
  readonly #intervalMs: number;
  readonly #events: KeepAliveEvents;
  #stream: KeepAliveStream | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Send times of the renewals on the current stream not yet answered (answers come in order). */
  #pending: number[] = [];
  #backoffMs = RECONNECT_MIN_MS;
  #stopped = false;

  constructor(core: Core, id: string, ttlSeconds: number, events: KeepAliveEvents) {
    this.#core = core;
    this.#wireId = leaseToWire(id);
    this.#intervalMs = Math.min(2 ** 31 - 1, Math.max(100, (ttlSeconds * 1000) / 3));
    this.#events = events;
    void this.#open();
  }

  /** Stops renewing; idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#closeStream();
  }

  async #open(): Promise<void> {
    let stream: KeepAliveStream;
    try {
      stream = (await this.#core.etcd.leaseClient.leaseKeepAlive()) as unknown as KeepAliveStream;
    } catch {
      this.#retry();
      return;
    }
    if (this.#stopped) {
      stream.cancel();
      return;
    }
    this.#stream = stream;
    stream.on('data', (res) => this.#onData(res));
    stream.on('error', () => this.#onBroken(stream));
    stream.on('end', () => this.#onBroken(stream));
    this.#send();
  }

  #send(): void {
    if (this.#stopped || !this.#stream) return;
    // A stream that stopped answering (half-open connection) is replaced.
    if (this.#pending.length >= 2) {
      this.#events.missed?.();
      this.#onBroken(this.#stream);
      return;
    }
    this.#pending.push(Date.now());
    try {
      this.#stream.write({ ID: this.#wireId });
    } catch {
      this.#onBroken(this.#stream);
      return;
    }
    // The next renewal is scheduled after an answer; this one covers a lost answer.
    this.#schedule(this.#intervalMs);
  }

  #onData(res: { TTL: string }): void {
    if (this.#stopped) return;
    const ttl = Number(res.TTL);
    if (!(ttl > 0)) {
      this.stop();
      this.#events.gone();
      return;
    }
    const sentAt = this.#pending.shift() ?? Date.now();
    this.#backoffMs = RECONNECT_MIN_MS;
    this.#events.renewed(ttl, sentAt);
    this.#schedule(this.#intervalMs);
  }

  #onBroken(stream: KeepAliveStream): void {
    if (this.#stopped || stream !== this.#stream) return;
    this.#closeStream();
    this.#retry();
  }

  #retry(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#open(), this.#backoffMs);
    this.#timer.unref();
    this.#backoffMs = Math.min(RECONNECT_MAX_MS, this.#backoffMs * 2);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#send(), ms);
    this.#timer.unref();
  }

  #closeStream(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    this.#pending = [];
    if (!stream) return;
    try {
      stream.cancel();
    } catch {
      // Already closed: nothing to release.
    }
  }
}
