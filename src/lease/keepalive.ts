import type { Core } from '../core/core.js';
import { leaseToWire } from '../core/ids.js';
import { KeepAliveHub, type KeepAliveEvents } from './hub.js';

export type { KeepAliveEvents } from './hub.js';

/**
 * Renews one lease every third of its TTL (as Go's client does) on the
 * client's shared keep-alive stream ({@link KeepAliveHub}). It never decides
 * the lease is lost on its own: the lease's expiry timer does.
 */
export class KeepAliveLoop {
  readonly #release: () => void;
  #stopped = false;

  constructor(core: Core, id: string, ttlSeconds: number, events: KeepAliveEvents) {
    const intervalMs = Math.min(2 ** 31 - 1, Math.max(100, (ttlSeconds * 1000) / 3));
    const wireId = leaseToWire(id);
    this.#release = KeepAliveHub.of(core).keep(wireId, intervalMs, {
      renewed: (ttl, sentAt) => events.renewed(ttl, sentAt),
      gone: () => {
        this.#stopped = true;
        events.gone();
      },
      missed: () => events.missed?.(),
    });
  }

  /** Stops renewing; idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#release();
  }
}
