/**
 * Leader election: several candidates campaign, one leads at a time, and
 * when it resigns the next one takes over. Followers observe the leader.
 *
 *   npx tsx samples/leader-election.ts      (ETCD_ENDPOINTS, or a throwaway etcd)
 */
import { Client, Config } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';

const NAME = '/sample/elections/scheduler';

async function main(): Promise<void> {
  await using etcd = await startEtcd(); // uses ETCD_ENDPOINTS as is when it is set
  await using client = await Client.connect(Config.fromEnv().withEndpoints(...etcd.endpoints));
  const wait = { timeoutMs: 15_000 };

  // Each candidate has its own session: in real life, one per process.
  await using a = client.election(NAME, { ttl: 10 });
  await using b = client.election(NAME, { ttl: 10 });

  await a.campaign('node-a', wait);
  console.log(`leader: ${(await a.leader())?.value.toString()}`);

  // node-b campaigns too and waits in line until node-a steps down.
  const bLeads = b.campaign('node-b', wait).then(() => console.log('node-b is now the leader'));
  console.log('node-a resigns');
  await a.resign();
  await bLeads;
  console.log(`leader: ${(await b.leader())?.value.toString()}`);
  await b.resign();
}

main().catch((err: unknown) => {
  console.error('sample failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
