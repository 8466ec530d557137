import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { Config } from './config.js';

describe('read and write settings', () => {
  it('default to linearizable reads, read batching on, write batching off', () => {
    const c = Config.defaults();
    expect([c.readConsistency, c.readBatching, c.writeBatching]).toEqual(['linearizable', { maxBatch: 128 }, false]);
    expect(c.toJSON()).toMatchObject({
      readConsistency: 'linearizable',
      readBatching: { maxBatch: 128 },
      writeBatching: false,
    });
  });

  it('take new values without touching the original', () => {
    const base = Config.defaults();
    const c = base
      .withReadConsistency('serializable')
      .withReadBatching(false)
      .withWriteBatching({ maxBatch: 8, maxDelayMs: 0 });
    expect([c.readConsistency, c.readBatching, c.writeBatching]).toEqual([
      'serializable',
      false,
      { maxBatch: 8, maxDelayMs: 0 },
    ]);
    expect(base.readConsistency).toBe('linearizable');
    expect(Object.isFrozen(c.writeBatching)).toBe(true);
  });

  it('refuse bad values, naming the field', () => {
    expect(() => Config.defaults().withReadConsistency('eventual' as never)).toThrow(ConfigError);
    expect(() => Config.defaults().withReadBatching({ maxBatch: 1.5 })).toThrow(/readBatching\.maxBatch/);
    expect(() => Config.defaults().withReadBatching(true as never)).toThrow(/readBatching/);
    expect(() => Config.defaults().withWriteBatching({ maxBatch: 0 })).toThrow(/writeBatching\.maxBatch/);
    expect(() => Config.defaults().withWriteBatching({ maxDelayMs: 'soon' as never })).toThrow(
      /writeBatching\.maxDelayMs/,
    );
  });

  it('refuse a write batching delay one timer cannot hold (it would fire after 1 ms)', () => {
    for (const maxDelayMs of [1e300, 2 ** 31]) {
      expect(() => Config.defaults().withWriteBatching({ maxDelayMs })).toThrow(
        /writeBatching\.maxDelayMs' must be a whole number of milliseconds from 0 to 2147483647/,
      );
    }
    expect(Config.defaults().withWriteBatching({ maxDelayMs: 2 ** 31 - 1 }).writeBatching).toMatchObject({
      maxDelayMs: 2 ** 31 - 1,
    });
  });
});
