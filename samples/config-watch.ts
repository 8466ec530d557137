/**
 * Distributed configuration: every instance keeps a local copy of its
 * configuration prefix, current within milliseconds of a change, and reacts
 * to each change. Read-then-watch without a gap is done for you by `mirror`.
 *
 *   npx tsx samples/config-watch.ts      (ETCD_ENDPOINTS, or a throwaway etcd)
 */
import { Client, Config } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';

const PREFIX = '/sample/config/app/';

async function main(): Promise<void> {
  await using etcd = await startEtcd(); // uses ETCD_ENDPOINTS as is when it is set
  await using client = await Client.connect(Config.fromEnv().withEndpoints(...etcd.endpoints));

  // Store the configuration.
  await client.put(`${PREFIX}timeout`, '30');
  await client.put(`${PREFIX}max-conn`, '100');

  // Each instance: a local copy of every key under the prefix, kept current by a watch.
  await using config = await client.mirror(PREFIX, { signal: AbortSignal.timeout(30_000) });
  for (const [key, kv] of config.entries()) console.log(`${key} = ${kv.value.toString()}`);

  // An operator changes the configuration.
  setTimeout(() => void client.put(`${PREFIX}timeout`, '45'), 100);
  setTimeout(() => void client.delete(`${PREFIX}max-conn`), 200);

  let changes = 0;
  for await (const change of config) {
    if (change.type === 'resync') continue; // the history was compacted: the copy was reloaded
    const shown = change.type === 'put' ? change.value.toString() : '(deleted)';
    console.log(`Config changed: ${change.key} = ${shown}`);
    if (++changes === 2) break;
  }
  console.log(`timeout is now ${config.get(`${PREFIX}timeout`)?.value.toString()}`);
  await client.deletePrefix(PREFIX);
}

main().catch((err: unknown) => {
  console.error('sample failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
