/**
 * The new reads on a partitioned client: getMany grouped by partition, range
 * options merged across partitions, deletes with prevKV decrypted by the
 * owning cluster's keys, serializable reads passed through.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { EVENTS, twoClusters, type TwoClusters } from './partition-clusters.js';

let setup: TwoClusters;
let client: Client;
const key = randomBytes(32);

beforeAll(async () => {
  setup = await twoClusters((events) => events.withEncryption(key));
  client = setup.client;
  // Under /registry/: a/b/c in the default cluster, events/... in the events one; writes interleaved.
  await client.put('/registry/a', 'A');
  await client.put(`${EVENTS}x`, 'X');
  await client.put('/registry/b', 'B');
  await client.put(`${EVENTS}y`, 'Y');
  await client.put('/registry/z', 'Z');
}, 60_000);
afterAll(() => setup?.close());

describe('reads over partitions', () => {
  it("getMany reads each partition's keys in its cluster and gives both revisions", async () => {
    const got = await client.getMany(['/registry/a', `${EVENTS}x`, `${EVENTS}nope`, '/registry/z'], {
      consistency: 'serializable',
    });
    expect([...got.keys()].sort()).toEqual(['/registry/a', `${EVENTS}x`, '/registry/z']);
    expect(got.get(`${EVENTS}x`)?.value.toString()).toBe('X');
    expect(got.revisions.length).toBeGreaterThanOrEqual(1);
    // Stored encrypted in the events cluster: the plain client sees no 'X'.
    const stored = await setup.raw.events.get(`${EVENTS}x`).buffer();
    expect(stored?.toString()).not.toBe('X');
  });

  it('key-descending and limited listings merge the partitions in the order asked', async () => {
    const all = await client.list('/registry/');
    expect(await client.list('/registry/', { sort: { target: 'key', order: 'descend' } })).toEqual([...all].reverse());
    expect(await client.list('/registry/', { limit: 3 })).toEqual(all.slice(0, 3));
    const iterated: string[] = [];
    for await (const kv of client.iterate('/registry/', { limit: 4, pageSize: 1 })) iterated.push(kv.key);
    expect(iterated).toEqual(all.slice(0, 4));
    expect(await client.count('/registry/', { consistency: 'serializable' })).toBe(all.length);
  });

  it('deletePrefix with prevKV returns what each cluster removed, decrypted', async () => {
    const res = await client.deletePrefix(EVENTS, { prevKV: true });
    expect(res.deleted).toBe(2);
    expect(res.previous.map((kv) => kv.value.toString()).sort()).toEqual(['X', 'Y']);
  });
});
