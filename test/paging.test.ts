import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, KeyValue } from '../src/index.js';
import { connect, testConfig, uniquePrefix } from './helpers.js';

let client: Client;

beforeAll(async () => {
  client = await connect(testConfig().withNamespace(uniquePrefix('paging')));
});
afterAll(() => client.close());

const key = (i: number) => `k/${String(i).padStart(6, '0')}`;

describe('paged reads', () => {
  it('iterates 20,000 keys in pages, in key order, as one snapshot', async () => {
    await client.bulkPut(Array.from({ length: 20_000 }, (_, i) => [key(i), String(i)] as const));
    const seen: KeyValue[] = [];
    let wroteDuring = false;
    for await (const kv of client.iterate('k/', { pageSize: 700 })) {
      seen.push(kv);
      if (!wroteDuring && seen.length === 1000) {
        // Changes made after the first page must not show up: pages are pinned to one revision.
        await client.put(key(15_000), 'changed');
        await client.put('k/999999-new', 'new');
        await client.delete(key(19_999));
        wroteDuring = true;
      }
    }
    expect(seen).toHaveLength(20_000);
    expect(seen.map((kv) => kv.key)).toEqual(Array.from({ length: 20_000 }, (_, i) => key(i)));
    expect(seen[15_000]!.value.toString()).toBe('15000');
    expect(await client.count('k/')).toBe(20_000); // one added, one deleted
  });

  it('pages adaptively by default (larger pages after the first), still in order', async () => {
    // The test above changed the data: key(19_999) deleted, 'k/999999-new' added.
    const expected = [...Array.from({ length: 19_999 }, (_, i) => key(i)), 'k/999999-new'];
    const seen: string[] = [];
    for await (const kv of client.iterate('k/')) seen.push(kv.key);
    expect(seen).toEqual(expected);
    expect(await client.list('k/')).toEqual(expected);
  });

  it('stops early without an unhandled rejection from the page fetched ahead', async () => {
    const controller = new AbortController();
    let n = 0;
    for await (const _ of client.iterate('k/', { pageSize: 100, signal: controller.signal })) {
      if (++n === 150) {
        controller.abort(); // the page after the one being read is already requested
        break;
      }
    }
    expect(n).toBe(150);
  });

  it('list and listWithValues page the same way', async () => {
    const keys = await client.list('k/', { pageSize: 333 });
    expect(keys).toHaveLength(20_000);
    expect(keys[0]).toBe(key(0));
    const values = await client.listWithValues('k/', { pageSize: 5000 });
    expect(values.size).toBe(20_000);
    expect(values.get(key(42))?.toString()).toBe('42');
  });

  it('lists a prefix whose values add up to more than the 4 MiB gRPC message limit', async () => {
    const value = Buffer.alloc(200 * 1024, 7);
    await client.bulkPut(Array.from({ length: 40 }, (_, i) => [`big/${String(i).padStart(2, '0')}`, value] as const));
    // 40 × 200 KiB = 8 MiB: one page of 1000 keys would be refused by gRPC; pages are halved until they fit.
    const all = await client.listWithValues('big/');
    expect(all.size).toBe(40);
    for (const v of all.values()) expect(v.equals(value)).toBe(true);
    expect(await client.getRange('big/', 'big0')).toHaveLength(40);
  });

  it('getRange reads [start, end)', async () => {
    const kvs = await client.getRange(key(10), key(20));
    expect(kvs.map((kv) => kv.key)).toEqual(Array.from({ length: 10 }, (_, i) => key(10 + i)));
  });

  it('reads a listing at a past revision', async () => {
    const { revision } = await client.put('hist/a', '1');
    await client.put('hist/b', '2');
    expect(await client.list('hist/', { revision })).toEqual(['hist/a']);
    expect(await client.list('hist/')).toEqual(['hist/a', 'hist/b']);
  });
});
