import { describe, expect, it } from 'vitest';
import { CrossPartitionError, ValidationError } from '../errors/index.js';
import { checkHome, remember, withoutHint } from './lease-home.js';
import { worst } from './connection.js';

describe('lease homes', () => {
  it('refuses a handle of another partition, naming both; passes its own partition, bare ids and unknown handles', () => {
    const lease = remember('/events/', { id: 'abc' });
    expect(() => checkHome('/events/', lease, "key '/events/a'")).not.toThrow();
    expect(() => checkHome('', lease, "key '/a'")).toThrow(CrossPartitionError);
    expect(() => checkHome('', lease, "key '/a'")).toThrow(/default partition.*partition '\/events\/'/);
    expect(() => checkHome('', 'abc', "key '/a'")).not.toThrow();
    expect(() => checkHome('', { id: 'abc' }, "key '/a'")).not.toThrow();
  });

  it('a session and its lease both carry the partition', () => {
    const session = remember('/events/', { id: 'abc', lease: { id: 'abc' } });
    expect(() => checkHome('', session.lease, 'x')).toThrow(CrossPartitionError);
  });

  it('splits the hint from the options passed on; refuses a hint that is not a key', () => {
    expect(withoutHint({ partitionOf: '/k', ttl: 5 })).toEqual(['/k', { ttl: 5 }]);
    expect(withoutHint(undefined)).toEqual([undefined, {}]);
    expect(() => withoutHint({ partitionOf: 3 as never })).toThrow(ValidationError);
  });
});

describe('worst', () => {
  it('is the most severe state, connected when all are', () => {
    expect(worst(['connected', 'connected'])).toBe('connected');
    expect(worst(['connected', 'disconnected', 'reconnecting'])).toBe('disconnected');
    expect(worst([])).toBe('connected');
  });
});
