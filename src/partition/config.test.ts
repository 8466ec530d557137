import { describe, expect, it } from 'vitest';
import { Config, withoutPartitions } from '../config/index.js';
import { ConfigError } from '../errors/index.js';

const events = Config.defaults().withEndpoints('events:2379').withAuth('ev', 'secret-pw');

describe('Config.withPartition', () => {
  it('adds partitions immutably, in order, each with its own full config', () => {
    const base = Config.defaults().withEndpoints('main:2379');
    const c = base.withPartition('/registry/events/', events).withPartition('/cache/', Config.defaults());
    expect(base.partitions).toEqual([]);
    expect(c.partitions.map((p) => p.prefix)).toEqual(['/registry/events/', '/cache/']);
    expect(c.partitions[0]!.config.endpoints).toEqual(['http://events:2379']);
    expect(c.endpoints).toEqual(['http://main:2379']);
    expect(Object.isFrozen(c.partitions)).toBe(true);
    expect(Object.isFrozen(c.partitions[0])).toBe(true);
    expect(withoutPartitions(c).partitions).toEqual([]);
    expect(withoutPartitions(c).endpoints).toEqual(['http://main:2379']);
    expect(c.withTimeout(10).partitions).toHaveLength(2);
  });

  it.each([
    ['an empty prefix', '', events, 'partition.prefix'],
    ['a non-string prefix', 7, events, 'partition.prefix'],
    ['a non-Config', '/x/', { endpoints: [] }, 'partition.config'],
    ['a config with partitions', '/x/', Config.defaults().withPartition('/y/', events), 'partition.config'],
  ])('refuses %s', (_what, prefix, config, field) => {
    let err: unknown;
    try {
      Config.defaults().withPartition(prefix as string, config as Config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe(field);
  });

  it('refuses the same prefix twice', () => {
    const c = Config.defaults().withPartition('/x/', events);
    expect(() => c.withPartition('/x/', events)).toThrow(/"\/x\/" twice/);
  });

  it('describes partitions in toJSON with their passwords hidden', () => {
    const json = JSON.stringify(Config.defaults().withPartition('/x/', events));
    expect(json).toContain('"prefix":"/x/"');
    expect(json).toContain('events:2379');
    expect(json).not.toContain('secret-pw');
  });
});
