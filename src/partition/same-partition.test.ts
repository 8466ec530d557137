import { describe, expect, it } from 'vitest';
import { CrossPartitionError } from '../errors/index.js';
import { partitionBinder, samePartition } from './same-partition.js';
import { PartitionTable } from './table.js';

const table = new PartitionTable(['/registry/events/', '/cache/']);

describe('samePartition', () => {
  it('names the one partition of keys and prefixes that live together', () => {
    expect(samePartition(table, ['/registry/events/a', '/registry/events/b/c'])).toBe('/registry/events/');
    expect(samePartition(table, ['/registry/pods/a', '/registry/eventsX'], ['/registry/pods/'])).toBe('');
    expect(samePartition(table, [], ['/cache/x/'])).toBe('/cache/');
    expect(samePartition(table, [])).toBe('');
  });

  it('refuses keys of two partitions, saying which keys live where', () => {
    let err: unknown;
    try {
      samePartition(table, ['/registry/pods/a', '/registry/events/e1'], [], 'an STM block');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CrossPartitionError);
    expect(err).toMatchObject({ code: 'CROSS_PARTITION', retryable: false });
    expect((err as Error).message).toMatch(/^an STM block needs keys in 2 partitions/);
    expect((err as Error).message).toContain("default partition: '/registry/pods/a'");
    expect((err as Error).message).toContain("partition '/registry/events/': '/registry/events/e1'");
  });

  it('refuses a prefix that spans partitions, even alone', () => {
    expect(() => samePartition(table, [], ['/registry/'])).toThrow(CrossPartitionError);
    expect(() => samePartition(table, ['/cache/a'], ['/registry/events/'])).toThrow(CrossPartitionError);
  });
});

describe('partitionBinder', () => {
  it('binds to the first key and refuses a key of another partition', () => {
    const bind = partitionBinder(table, 'an STM block');
    expect(bind('/cache/a')).toBe('/cache/');
    expect(bind('/cache/b')).toBe('/cache/');
    expect(() => bind('/registry/pods/x')).toThrow(CrossPartitionError);
    expect(() => bind('/registry/pods/x')).toThrow(
      /an STM block needs keys in 2 partitions.*'\/cache\/a'.*'\/registry\/pods\/x'/,
    );
    expect(bind('/cache/c')).toBe('/cache/');
  });
});
