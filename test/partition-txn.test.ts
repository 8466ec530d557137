/** Transactions on a partitioned client, against real clusters. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import { CrossPartitionError, compare, op, type Client } from '../src/index.js';
import { EVENTS, twoClusters, type TwoClusters } from './partition-clusters.js';

let setup: TwoClusters;
let client: Client;
let raw: TwoClusters['raw'];
const revisionOf = async (etcd: Etcd3) =>
  Number((await etcd.kv.range({ key: Buffer.from([0]), count_only: true })).header.revision);

beforeAll(async () => {
  setup = await twoClusters();
  ({ client, raw } = setup);
});
afterAll(() => setup?.close());

describe('transactions on a partitioned client', () => {
  it('run in the one partition their keys live in', async () => {
    const res = await client
      .txn()
      .if(compare.absent(`${EVENTS}t1`))
      .onSuccess(op.put(`${EVENTS}t1`, 'a'), op.put(`${EVENTS}t2`, 'b'))
      .commit();
    expect(res.succeeded).toBe(true);
    expect(await raw.events.get(`${EVENTS}t1`).string()).toBe('a');
    expect(await raw.main.get(`${EVENTS}t1`).string()).toBeNull();
    expect(await client.compareAndSwap(`${EVENTS}t1`, 'a', 'c')).toBe(true);
    expect(await raw.events.get(`${EVENTS}t1`).string()).toBe('c');
  });

  it("an STM block runs in its keys' partition; touching another partition fails it before that key is read or written", async () => {
    await client.put(`${EVENTS}n`, '1');
    await client.stm(async (t) => t.put(`${EVENTS}n`, String(Number(await t.getString(`${EVENTS}n`)) + 1)));
    expect(await raw.events.get(`${EVENTS}n`).string()).toBe('2');
    const before = await revisionOf(raw.main);
    const spanning = client.stm(async (t) => {
      const n = await t.getString(`${EVENTS}n`);
      t.put('/registry/pods/n', n ?? '');
    });
    await expect(spanning).rejects.toBeInstanceOf(CrossPartitionError);
    expect(await revisionOf(raw.main)).toBe(before);
    expect(await raw.events.get(`${EVENTS}n`).string()).toBe('2');
  });

  it('spanning partitions are refused before any request reaches either cluster', async () => {
    const before = await Promise.all([revisionOf(raw.main), revisionOf(raw.events)]);
    const spanning = client
      .txn()
      .if(compare.absent('/registry/pods/x'))
      .onSuccess(op.put('/registry/pods/x', '1'), op.put(`${EVENTS}x`, '2'));
    await expect(spanning.commit()).rejects.toBeInstanceOf(CrossPartitionError);
    const prefixRead = client.txn().onSuccess(op.put('/registry/pods/y', '1'), op.getPrefix('/registry/'));
    await expect(prefixRead.commit()).rejects.toMatchObject({ code: 'CROSS_PARTITION' });
    expect(await Promise.all([revisionOf(raw.main), revisionOf(raw.events)])).toEqual(before);
    expect(await raw.main.get('/registry/pods/x').string()).toBeNull();
  });
});
