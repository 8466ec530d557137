import { describe, expect, it } from 'vitest';
import { Config } from '../config/index.js';
import { TxnTooLargeError } from '../errors/index.js';
import { chunkForTxn, runChunks } from './chunk.js';
import { nextPageSize, smallerPage } from './scan.js';

const config = Config.defaults()
  .withMaxTxnOps(3)
  .withMaxRequestBytes(1024 + 100);

describe('chunkForTxn', () => {
  it('splits by operation count', () => {
    expect(chunkForTxn([1, 2, 3, 4, 5, 6, 7], () => 1, config, false)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });
  it('splits by bytes, keeping an oversized item alone', () => {
    expect(chunkForTxn([60, 60, 10, 200, 5], (n) => n, config, false)).toEqual([[60], [60, 10], [200], [5]]);
  });
  it('refuses to split when atomic', () => {
    expect(() => chunkForTxn([1, 2, 3, 4], () => 1, config, true)).toThrow(TxnTooLargeError);
    expect(chunkForTxn([1, 2, 3], () => 1, config, true)).toEqual([[1, 2, 3]]);
  });
  it('returns no chunk for no input', () => {
    expect(chunkForTxn([], () => 1, config, false)).toEqual([]);
  });
});

describe('runChunks', () => {
  it('keeps results in chunk order and bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const { results, applied, error } = await runChunks([[1], [2, 2], [3], [4]], 2, async (c) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5 * (5 - c[0]!)));
      inFlight--;
      return c[0];
    });
    expect(results).toEqual([1, 2, 3, 4]);
    expect(applied).toBe(5);
    expect(error).toBeUndefined();
    expect(peak).toBe(2);
  });
  it('stops starting chunks after a failure and reports what was applied', async () => {
    const started: number[] = [];
    const out = await runChunks([[1], [2], [3], [4]], 1, async (c) => {
      started.push(c[0]!);
      if (c[0] === 2) throw new Error('boom');
      return c[0];
    });
    expect(started).toEqual([1, 2]);
    expect(out.applied).toBe(1);
    expect((out.error as Error).message).toBe('boom');
  });
});

describe('smallerPage', () => {
  it('scales the page by the sizes gRPC reports', () => {
    const err = new Error('8 RESOURCE_EXHAUSTED: Received message larger than max (8390000 vs. 4194304)');
    expect(smallerPage(err, 1000)).toBe(399);
  });
  it('halves when sizes are not given, and ignores other errors', () => {
    expect(smallerPage(new Error('Received message larger than max'), 10)).toBe(5);
    expect(smallerPage(new Error('other'), 10)).toBeUndefined();
  });
});

describe('nextPageSize', () => {
  const kv = (valueBytes: number) => ({ key: Buffer.alloc(20), value: Buffer.alloc(valueBytes) }) as never;
  it('aims at about 2 MiB per page', () => {
    expect(nextPageSize(Array.from({ length: 10 }, () => kv(64 * 1024 - 52)))).toBe(32);
  });
  it('stays between 1 and 10,000 keys', () => {
    expect(nextPageSize([kv(0)])).toBe(10_000);
    expect(nextPageSize([kv(8 * 1024 * 1024)])).toBe(1);
    expect(nextPageSize([])).toBe(10_000);
  });
});
