import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, LeaseNotFoundError, ValidationError, type EtcdKitError } from '../src/index.js';
import { connect, revokeFromOutside, sleep, testConfig, uniquePrefix } from './helpers.js';
import { eventually, within } from './waits.js';

let client: Client;
let ns: string;

beforeAll(async () => {
  ns = uniquePrefix('lease');
  client = await connect(testConfig().withNamespace(ns));
});
afterAll(() => client.close());

describe.concurrent('Lease', () => {
  it('does not renew itself: a key with a 2 s lease is gone after expiry, and the loss is reported', async () => {
    const lease = await client.lease(2);
    expect(lease.id).toMatch(/^[0-9a-f]+$/);
    expect(lease.ttl).toBe(2);
    await client.putWithLease('short', 'v', lease);
    expect(await client.exists('short')).toBe(true);
    const reason = await within(6_000, lease.lost);
    expect(reason).toBeInstanceOf(LeaseNotFoundError);
    expect(lease.state).toBe('lost');
    await eventually(6_000, async () => expect(await client.exists('short')).toBe(false));
  });

  it('with keepAlive() the key survives three TTLs; close() stops renewing', async () => {
    const lease = (await client.lease(2)).keepAlive();
    await client.put('kept', 'v', { lease });
    await sleep(6_500);
    expect(await client.exists('kept')).toBe(true);
    expect((await lease.timeToLive()).ttl).toBeGreaterThan(0);
    expect(lease.state).toBe('active');
    await lease.close();
    expect(lease.state).toBe('closed');
    await eventually(6_000, async () => expect(await client.exists('kept')).toBe(false));
  });

  it('timeToLive lists attached keys without the namespace; keepAliveOnce renews', async () => {
    await using lease = await client.lease(30);
    await client.putWithLease('ttl/a', '1', lease);
    await client.put('ttl/b', '2', { lease: lease.id });
    const info = await lease.timeToLive({ keys: true });
    expect(info.id).toBe(lease.id);
    expect(info.grantedTtl).toBe(30);
    expect(info.ttl).toBeGreaterThan(0);
    expect(info.ttl).toBeLessThanOrEqual(30);
    expect(info.keys.sort()).toEqual(['ttl/a', 'ttl/b']);
    expect((await lease.timeToLive()).keys).toEqual([]);
    expect(await lease.keepAliveOnce()).toBe(30);
    await lease.revoke();
  });

  it('revoke() deletes the keys, is idempotent, and is not a loss', async () => {
    const lease = await client.lease(30);
    await client.putWithLease('revoked', 'v', lease);
    let lost: EtcdKitError | undefined;
    lease.onLost((r) => (lost = r));
    await lease.revoke();
    await lease.revoke();
    expect(await client.exists('revoked')).toBe(false);
    expect(lease.state).toBe('revoked');
    await expect(lease.keepAliveOnce()).rejects.toBeInstanceOf(LeaseNotFoundError);
    await expect(client.put('again', 'v', { lease })).rejects.toBeInstanceOf(LeaseNotFoundError);
    expect(lost).toBeUndefined();
  });

  it('a kept-alive lease revoked elsewhere is reported lost at its next renewal', async () => {
    const lease = (await client.lease(3)).keepAlive();
    const heard: EtcdKitError[] = [];
    lease.onLost((r) => heard.push(r));
    await revokeFromOutside(lease.id);
    const reason = await within(4_000, lease.lost);
    expect(reason).toBeInstanceOf(LeaseNotFoundError);
    expect(heard).toEqual([reason]);
    await expect(lease.timeToLive()).rejects.toBeInstanceOf(LeaseNotFoundError);
  });

  it('orphan() (what close() does on a lease) stops renewing but keeps the keys until the TTL', async () => {
    const lease = (await client.lease(30)).keepAlive();
    await client.putWithLease('orphaned', 'v', lease);
    await lease.orphan();
    expect(lease.state).toBe('closed');
    expect(await client.exists('orphaned')).toBe(true);
    await expect(lease.keepAliveOnce()).rejects.toBeInstanceOf(LeaseNotFoundError);
    await revokeFromOutside(lease.id);
  });

  it('refuses a bad TTL and closes with the client', async () => {
    await expect(client.lease(0)).rejects.toBeInstanceOf(ValidationError);
    await expect(client.lease(1.5)).rejects.toBeInstanceOf(ValidationError);
    const other = await connect(testConfig().withNamespace(ns));
    const lease = (await other.lease(30)).keepAlive();
    await other.close();
    expect(lease.state).toBe('closed');
  });
});

describe.concurrent('Session', () => {
  it('keeps its lease alive; close() revokes it and its keys', async () => {
    const session = await client.session({ ttl: 2 });
    expect(session.ttl).toBe(2);
    await client.putWithLease('session/key', 'v', session);
    await sleep(2_500);
    expect(await client.exists('session/key')).toBe(true);
    await session.close();
    await session.close();
    expect(session.active).toBe(false);
    expect(await client.exists('session/key')).toBe(false);
  });

  it('reports the loss of its lease', async () => {
    await using session = await client.session({ ttl: 3 });
    await revokeFromOutside(session.id);
    expect(await within(4_000, session.lost)).toBeInstanceOf(LeaseNotFoundError);
    expect(session.active).toBe(false);
  });

  it('is revoked when its client closes', async () => {
    const own = await connect(testConfig().withNamespace(ns));
    const session = await own.session({ ttl: 30 });
    await own.putWithLease('session/closing', 'v', session);
    await own.close();
    expect(session.active).toBe(false);
    expect(await client.exists('session/closing')).toBe(false);
  });

  it('says in its name whether it deletes the keys: revoke() does, orphan() keeps them until the TTL', async () => {
    const revoked = await client.session({ ttl: 30 });
    const orphaned = await client.session({ ttl: 30 });
    await client.putWithLease('session/revoked', 'v', revoked);
    await client.putWithLease('session/orphaned', 'v', orphaned);
    await revoked.revoke();
    await orphaned.orphan();
    await orphaned.close(); // the end of an `await using` block: an orphaned session stays orphaned
    expect([revoked.active, orphaned.active]).toEqual([false, false]);
    expect(await client.exists('session/revoked')).toBe(false);
    expect(await client.exists('session/orphaned')).toBe(true);
    await orphaned.revoke(); // still deletes them when asked by name
    expect(await client.exists('session/orphaned')).toBe(false);
  });

  it('defaults to a 60 s TTL', async () => {
    await using session = await client.session();
    expect(session.ttl).toBe(60);
  });
});
