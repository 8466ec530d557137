/**
 * Key rotation without downtime: values written under an old key are
 * rewritten under a new one while both can decrypt, then the old key is
 * retired.
 *
 *   npx tsx samples/key-rotation.ts      (ETCD_ENDPOINTS, or a throwaway etcd)
 */
import { randomBytes } from 'node:crypto';
import { Client, Config, DecryptionError } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';

const PREFIX = '/sample/rotation/';

async function main(): Promise<void> {
  await using etcd = await startEtcd(); // uses ETCD_ENDPOINTS as is when it is set
  const base = Config.fromEnv().withEndpoints(...etcd.endpoints);
  const oldKey = randomBytes(32).toString('hex');
  const newKey = randomBytes(32).toString('hex');

  // 1. The application has been running with the old key.
  const before = base.withEncryptionKeys({ primary: 'k1', keys: { k1: oldKey } });
  await using app = await Client.connect(before);
  await app.bulkPut({ [`${PREFIX}db-password`]: 's3cret', [`${PREFIX}api-token`]: 'tok-123' });
  console.log('written under k1:', await app.list(PREFIX));

  // 2. Every instance learns the new key and makes it primary (both keys still decrypt).
  const during = base.withEncryptionKeys({ primary: 'k2', keys: { k1: oldKey, k2: newKey } });
  await using rotating = await Client.connect(during);
  const result = await rotating.reencrypt(PREFIX);
  console.log(`re-encrypted under k2: ${result.rewritten} of ${result.scanned} keys`);

  // 3. The old key is retired: everything still reads, with the new key alone.
  const after = base.withEncryptionKeys({ primary: 'k2', keys: { k2: newKey } });
  await using current = await Client.connect(after);
  console.log('db-password with k2 only:', await current.getString(`${PREFIX}db-password`));

  // A client that only knows the retired key can no longer read the values.
  try {
    await app.getString(`${PREFIX}db-password`);
  } catch (err) {
    if (!(err instanceof DecryptionError)) throw err;
    console.log(`k1 alone fails as it should: ${err.code}`);
  }
  await current.deletePrefix(PREFIX);
}

main().catch((err: unknown) => {
  console.error('sample failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
