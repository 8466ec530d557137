import { setTimeout as sleep } from 'node:timers/promises';
import type { Section } from './section.js';

const KEY = '/sample/lease/temp-data';

/** A key attached to a lease disappears by itself when the lease expires. */
export const lease: Section = {
  name: 'lease',
  title: 'Lease Demo',
  rule: '-----------',
  summary: 'a key attached to a 5 s lease vanishes once the lease expires',
  async run({ client, fast, print }) {
    // etcd rounds TTLs up to about 2 s, so --fast uses the shortest TTL it honours.
    const ttl = fast ? 2 : 5;
    const lease = await client.lease(ttl); // not kept alive: it expires after `ttl` seconds
    print(`Created lease with ID: ${lease.id} (TTL: ${ttl}s)`);
    await client.putWithLease(KEY, 'temporary', lease);
    print(`Stored key with lease: ${KEY}`);
    print(`Key exists: ${await client.exists(KEY)}`);
    const wait = ttl + 1;
    print(`Waiting ${wait} seconds for lease to expire...`);
    await sleep(wait * 1000);
    // The leader expires leases on its own schedule: allow it a few more seconds.
    for (let i = 0; i < 20 && (await client.exists(KEY)); i++) await sleep(250);
    print(`Key exists after expiry: ${await client.exists(KEY)}`);
    await lease.close();
    print('Lease demo completed');
  },
  async cleanup({ client }) {
    await client.delete(KEY);
  },
};
