import { ConfigError } from '../errors/index.js';
import { configObject, configWhole } from './checks.js';
import { MAX_TIMER_MS } from './duration.js';
import { show } from './validate.js';

/**
 * How a read is served. `linearizable`: confirmed with the leader (a read
 * index round), so it sees every write acknowledged before it started.
 * `serializable`: answered by the member the request reaches from its own
 * copy of the data, without contacting the leader: cheaper, and it works on a
 * member that lost quorum, but it may be stale (miss recent writes).
 */
export type ReadConsistency = 'linearizable' | 'serializable';

/** Settings of read batching (see {@link Config.withReadBatching}). */
export interface ReadBatchingOptions {
  /** Most reads one batch holds; also capped by `maxTxnOps`. @default 128 */
  readonly maxBatch?: number;
}

/** Settings of write batching (see {@link Config.withWriteBatching}). */
export interface WriteBatchingOptions {
  /** Most writes one batch holds; also capped by `maxTxnOps` and `maxRequestBytes`. @default 128 */
  readonly maxBatch?: number;
  /**
   * Longest a write waits for the write in flight before its batch is sent
   * anyway (when none of its keys is in flight). At most 2^31 - 1 (one Node timer). @default 5
   */
  readonly maxDelayMs?: number;
}

/** Read batching as resolved in a Config. */
export interface ReadBatching {
  /** Most reads one batch holds. */
  readonly maxBatch: number;
}

/** Write batching as resolved in a Config. */
export interface WriteBatching {
  /** Most writes one batch holds. */
  readonly maxBatch: number;
  /** Longest a write waits behind the write in flight before its batch goes anyway. */
  readonly maxDelayMs: number;
}

export const READ_BATCHING_DEFAULTS: ReadBatching = Object.freeze({ maxBatch: 128 });
export const WRITE_BATCHING_DEFAULTS: WriteBatching = Object.freeze({ maxBatch: 128, maxDelayMs: 5 });

export function readConsistency(value: unknown): ReadConsistency {
  if (value !== 'linearizable' && value !== 'serializable') {
    throw new ConfigError('readConsistency', `must be 'linearizable' or 'serializable', got ${show(value)}`);
  }
  return value;
}

export function readBatching(value: unknown): ReadBatching | false {
  if (value === false) return false;
  const o = configObject('readBatching', value);
  const maxBatch =
    o.maxBatch === undefined
      ? READ_BATCHING_DEFAULTS.maxBatch
      : configWhole('readBatching.maxBatch', o.maxBatch, { unit: 'reads' });
  return Object.freeze({ maxBatch });
}

export function writeBatching(value: unknown): WriteBatching | false {
  if (value === false) return false;
  const o = configObject('writeBatching', value ?? {});
  const maxBatch =
    o.maxBatch === undefined
      ? WRITE_BATCHING_DEFAULTS.maxBatch
      : configWhole('writeBatching.maxBatch', o.maxBatch, { unit: 'writes' });
  // One timer holds the wait: above MAX_TIMER_MS Node would fire it after 1 ms.
  const maxDelayMs = configWhole('writeBatching.maxDelayMs', o.maxDelayMs ?? WRITE_BATCHING_DEFAULTS.maxDelayMs, {
    min: 0,
    max: MAX_TIMER_MS,
    unit: 'milliseconds',
  });
  return Object.freeze({ maxBatch, maxDelayMs });
}
