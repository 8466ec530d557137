/**
 * Service discovery: each instance registers itself under a lease it keeps
 * alive; when an instance dies, its lease expires and its entry disappears.
 *
 *   npx tsx samples/service-discovery.ts      (ETCD_ENDPOINTS, or a throwaway etcd)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Config } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';

const SERVICE = '/sample/services/api-server/';

async function main(): Promise<void> {
  await using etcd = await startEtcd(); // uses ETCD_ENDPOINTS as is when it is set
  await using client = await Client.connect(Config.fromEnv().withEndpoints(...etcd.endpoints));

  // Two instances register, each with its own 2-second lease, renewed in the background.
  const node1 = (await client.lease(2)).keepAlive();
  const node2 = (await client.lease(2)).keepAlive();
  await client.putWithLease(`${SERVICE}node1`, '10.0.0.1:8080', node1);
  await client.putWithLease(`${SERVICE}node2`, '10.0.0.2:8080', node2);

  // Clients discover the instances.
  for (const [key, addr] of await client.listWithValues(SERVICE)) {
    console.log(`Service instance: ${key} at ${addr.toString()}`);
  }

  // Past the TTL, the renewed registrations are still there.
  await sleep(3000);
  console.log(`after 3 s: ${await client.count(SERVICE)} instances`);

  // node2 dies without deregistering: its lease is no longer renewed and expires.
  await node2.close(); // stops the renewal, like a crashed process would
  for (let i = 0; i < 40 && (await client.count(SERVICE)) > 1; i++) await sleep(250);
  console.log(`after node2 stopped renewing: ${(await client.list(SERVICE)).join(', ')}`);

  await node1.revoke(); // a clean shutdown deregisters at once
  console.log(`after node1 shut down: ${await client.count(SERVICE)} instances`);
}

main().catch((err: unknown) => {
  console.error('sample failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
