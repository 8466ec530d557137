import { describe, expect, it } from 'vitest';
import { memberToWire, memberFromWire } from '../core/ids.js';
import { ServerError, ValidationError } from '../errors/index.js';
import { mayHaveApplied, neverSent } from '../resilience/classify.js';
import { outliers, type HashKVResult } from './hash.js';

const h = (memberId: string, hash: number, compactRevision = 1): HashKVResult => ({
  endpoint: `http://${memberId}:2379`,
  memberId,
  hash,
  compactRevision,
  revision: 10,
});

describe('outliers', () => {
  it('names the members whose hash or compact revision differs from the most common answer', () => {
    expect(outliers([h('a', 1), h('b', 1), h('c', 1)])).toEqual([]);
    expect(outliers([h('a', 1), h('b', 2), h('c', 1)])).toEqual(['b']);
    expect(outliers([h('a', 1), h('b', 1, 5), h('c', 1)])).toEqual(['b']);
  });
});

describe('member ids', () => {
  it('go to the wire as decimal and come back as hex, without losing 64-bit precision', () => {
    expect(memberToWire('8e9e05c52164694d')).toBe('10276657743932975437');
    expect(memberFromWire('10276657743932975437')).toBe('8e9e05c52164694d');
    expect(() => memberToWire('xyz')).toThrow(ValidationError);
    expect(() => memberToWire('1'.repeat(17))).toThrow(ValidationError);
  });
});

describe('admin refusals', () => {
  it("treats etcd's own reasons as definite, and an unhealthy-cluster refusal as never sent", () => {
    const refused = new ServerError('user add: etcdserver: user name already exists', {
      cause: new Error('etcdserver: user name already exists'),
    });
    expect(mayHaveApplied(refused)).toBe(false);
    const cancelled = new ServerError('put: etcdserver: request cancelled', {
      cause: new Error('etcdserver: request cancelled'),
    });
    expect(mayHaveApplied(cancelled)).toBe(true);
    const internal = new ServerError('put: 13 INTERNAL: Received RST_STREAM', {
      cause: new Error('13 INTERNAL: Received RST_STREAM'),
    });
    expect(mayHaveApplied(internal)).toBe(true);
    expect(neverSent(new Error('14 UNAVAILABLE: etcdserver: unhealthy cluster'))).toBe(true);
  });
});
