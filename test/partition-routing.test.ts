/**
 * Leases, sessions, locks, elections, history, mirrors and re-encryption on a
 * partitioned client, against two real clusters checked with plain clients.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import { Client, CrossPartitionError, op } from '../src/index.js';
import { EVENTS, configOf, twoClusters, type TwoClusters } from './partition-clusters.js';

const k1 = randomBytes(32).toString('hex');
const k2 = randomBytes(32).toString('hex');

let setup: TwoClusters;
let client: Client;
let raw: TwoClusters['raw'];
/** Keys under `prefix` in one cluster, read with a plain etcd3 client. */
const keysIn = (etcd: Etcd3, prefix: string) => etcd.getAll().prefix(prefix).keys();

beforeAll(async () => {
  setup = await twoClusters((events) => events.withEncryptionKeys({ primary: 'k1', keys: { k1 } }));
  ({ client, raw } = setup);
});
afterAll(() => setup?.close());

describe('recipes on a partitioned client', () => {
  it("a lock named inside a partition lands in that partition's cluster", async () => {
    await using lock = client.newLock(`${EVENTS}locks/gc`);
    await lock.lock();
    expect(lock.isHeld()).toBe(true);
    expect(await keysIn(raw.events, `${EVENTS}locks/gc/`)).toHaveLength(1);
    expect(await keysIn(raw.main, `${EVENTS}locks/gc/`)).toEqual([]);
    // A second lock on the same name, through the same routing, waits: it is the same cluster.
    await using other = client.newLock(`${EVENTS}locks/gc`);
    expect(await other.tryLock()).toBe(false);
    await lock.unlock();
    expect(await keysIn(raw.events, `${EVENTS}locks/gc/`)).toEqual([]);
  });

  it('an election and an RW lock inside a partition live there; names spanning partitions are refused', async () => {
    await using election = client.election(`${EVENTS}leader`);
    await election.campaign('node-1');
    expect((await election.leader())?.value.toString()).toBe('node-1');
    expect(await keysIn(raw.events, `${EVENTS}leader/`)).toHaveLength(1);
    await using rw = client.newRWLock('/app/catalog');
    await rw.readLock();
    expect(await keysIn(raw.main, '/app/catalog/')).toHaveLength(1);
    // `/registry/` + '/' holds keys of both clusters' ranges: no lock can live in both.
    expect(() => client.newLock('/registry')).toThrow(CrossPartitionError);
    expect(() => client.election('/registry')).toThrow(CrossPartitionError);
  });

  it('a lease is granted where its hint key lives; attaching a key of another partition to it is refused', async () => {
    await using lease = await client.lease(30, { partitionOf: `${EVENTS}e1` });
    await client.putWithLease(`${EVENTS}e1`, 'x', lease);
    expect((await raw.events.get(`${EVENTS}e1`).exec()).kvs[0]?.lease).toBe(BigInt(`0x${lease.id}`).toString());
    await expect(client.put('/app/x', 'y', { lease })).rejects.toBeInstanceOf(CrossPartitionError);
    await expect(client.putWithLease('/app/x', 'y', lease)).rejects.toBeInstanceOf(CrossPartitionError);
    await expect(client.bulkPut({ '/app/x': 'y' }, { lease })).rejects.toBeInstanceOf(CrossPartitionError);
    await expect(
      client
        .txn()
        .onSuccess(op.put('/app/x', 'y', { lease }))
        .commit(),
    ).rejects.toBeInstanceOf(CrossPartitionError);
    expect(await raw.main.get('/app/x').string()).toBeNull();
    // Without a hint: the default partition.
    await using plain = await client.lease(30);
    await expect(client.put(`${EVENTS}e2`, 'x', { lease: plain })).rejects.toBeInstanceOf(CrossPartitionError);
    await client.put('/app/leased', 'x', { lease: plain });
    expect((await raw.main.get('/app/leased').exec()).kvs[0]?.lease).toBe(BigInt(`0x${plain.id}`).toString());
  });

  it('a session follows its hint; a lock refuses a session of another partition', async () => {
    await using session = await client.session({ ttl: 30, partitionOf: `${EVENTS}x` });
    expect(() => client.newLock('/app/lock', { session })).toThrow(CrossPartitionError);
    await using lock = client.newLock(`${EVENTS}locks/s`, { session });
    await lock.lock();
    expect(await keysIn(raw.events, `${EVENTS}locks/s/`)).toEqual([`${EVENTS}locks/s/${session.id}`]);
  });
});

describe('history, mirror and reencrypt on a partitioned client', () => {
  it('history of a key comes from its partition; a mirror works within one partition and is refused across', async () => {
    await client.put(`${EVENTS}h`, '1');
    await client.put(`${EVENTS}h`, '2');
    expect((await client.history(`${EVENTS}h`)).map((v) => v.value.toString())).toEqual(['1', '2']);
    await using mirror = await client.mirror(`${EVENTS}`);
    expect(mirror.get(`${EVENTS}h`)?.value.toString()).toBe('2');
    await expect(client.mirror('/registry/')).rejects.toBeInstanceOf(CrossPartitionError);
  });

  it('reencrypt fans out to the spanned partitions that have encryption, each with its own keys', async () => {
    await client.deletePrefix('/registry/');
    await client.bulkPut({ [`${EVENTS}r1`]: 'a', [`${EVENTS}r2`]: 'b', '/registry/pods/p': 'plain' });
    await using rotated = await Client.connect(
      configOf(setup.main).withPartition(
        EVENTS,
        configOf(setup.events).withEncryptionKeys({ primary: 'k2', keys: { k1, k2 } }),
      ),
    );
    const result = await rotated.reencrypt('/registry/');
    expect(result).toEqual({ scanned: 2, rewritten: 2, skipped: 0 });
    // The default partition has no encryption: its value is untouched plaintext.
    expect(await raw.main.get('/registry/pods/p').string()).toBe('plain');
    expect(await rotated.getString(`${EVENTS}r1`)).toBe('a');
    // Old-key-only readers can no longer read the rewritten values.
    await expect(client.get(`${EVENTS}r1`)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  });
});
