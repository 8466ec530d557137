/**
 * Two clients of one cluster each have their own per-client objects (watch
 * streams, keep-alive stream, batchers, endpoint clients), held by their own
 * core; closing one closes its own and leaves the other working.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ClosedError, type Client } from '../src/index.js';
import { coreOf } from '../src/internal.js';
import { connect, rejection, testConfig, uniquePrefix } from './helpers.js';
import { eventually, within } from './waits.js';

const clients: Client[] = [];
afterAll(() => Promise.all(clients.map((c) => c.close())));

/** The keys of the next `n` events of `events`. */
async function keys(events: AsyncIterator<{ key: string }>, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) out.push((await within(30_000, events.next())).value.key);
  return out.sort();
}

async function client(namespace: string): Promise<Client> {
  const c = await connect(testConfig().withNamespace(namespace).withWriteBatching({}));
  clients.push(c);
  return c;
}

describe('two clients of one cluster', () => {
  it('have per-client objects of their own, and closing one leaves the other working', async () => {
    const namespace = uniquePrefix('client-state');
    const [a, b] = [await client(namespace), await client(namespace)];
    const leases = [await a.lease(30), await b.lease(30)];
    for (const l of leases) l.keepAlive();
    const watches = [await a.watchPrefix('k/'), await b.watchPrefix('k/')];
    const events = watches.map((w) => w[Symbol.asyncIterator]());
    // Two puts in one turn go through each client's write batcher, two gets through its read batcher.
    await Promise.all([a.put('k/a', '1'), a.put('k/a2', '1'), b.put('k/b', '1'), b.put('k/b2', '1')]);
    await Promise.all([a.get('k/b'), a.get('k/b2'), b.get('k/a'), b.get('k/a2')]);
    await Promise.all([a.status(), b.status()]);
    for (const e of events) expect(await keys(e, 4)).toEqual(['k/a', 'k/a2', 'k/b', 'k/b2']);

    const [ca, cb] = [coreOf(a), coreOf(b)];
    for (const field of ['watchPool', 'keepAliveHub', 'writeBatcher', 'readBatchers', 'endpointClients'] as const) {
      expect(ca[field], field).toBeDefined();
      expect(ca[field], field).not.toBe(cb[field]);
    }
    for (const core of [ca, cb]) {
      expect(core.watchPool!.streams).toBe(1);
      expect(core.keepAliveHub!.streams).toBe(1);
    }

    await a.close();
    // The closed client's streams are gone (its endpoint clients are in `resources`, closed with it).
    await eventually(30_000, () => expect(ca.watchPool!.streams).toBe(0));
    expect(ca.keepAliveHub!.streams).toBe(0);
    for (const etcd of ca.endpointClients!.values()) expect(ca.resources.has(etcd)).toBe(true);
    expect(await rejection(a.put('k/late', '1'))).toBeInstanceOf(ClosedError);

    // The other goes on: its streams, its lease's renewals, its batched writes and reads, its status.
    expect(cb.watchPool!.streams).toBe(1);
    expect(cb.keepAliveHub!.streams).toBe(1);
    expect(await within(30_000, leases[1]!.keepAliveOnce())).toBeGreaterThan(0);
    expect(leases[1]!.state).toBe('active');
    await Promise.all([b.put('k/c', '2'), b.put('k/c2', '2')]);
    expect(await keys(events[1]!, 2)).toEqual(['k/c', 'k/c2']);
    expect((await Promise.all([b.get('k/c'), b.get('k/c2')])).map(String)).toEqual(['2', '2']);
    expect((await b.status()).every((s) => s.reachable)).toBe(true);
  });
});
