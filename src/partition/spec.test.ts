import { describe, expect, it } from 'vitest';
import { spanOfSpec } from './spec.js';

describe('spanOfSpec', () => {
  it('collects keys, prefixes and leases from conditions and both branches, nested transactions included', () => {
    const span = spanOfSpec({
      if: [{ key: '/a' }, { key: '/p/', prefix: true }],
      onSuccess: [
        { type: 'put', key: '/b', lease: 'abc' },
        { type: 'get', key: '/q/', prefix: true },
        {
          type: 'txn',
          if: [{ key: '/c' }],
          onSuccess: [{ type: 'deletePrefix', prefix: '/r/' }],
          onFailure: [{ type: 'delete', key: '/d' }],
        },
      ],
      onFailure: [{ type: 'get', key: '/e' }],
    });
    expect(span).toEqual({
      keys: ['/a', '/b', '/c', '/d', '/e'],
      prefixes: ['/p/', '/q/', '/r/'],
      leases: [{ key: '/b', lease: 'abc' }],
    });
  });
});
