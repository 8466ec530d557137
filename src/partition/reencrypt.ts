import type { Backend } from '../backend/index.js';
import { ConfigError } from '../errors/index.js';
import { partitionLabel } from '../errors/partition-label.js';
import { reencrypt, type ReencryptOptions, type ReencryptResult } from '../kv/reencrypt.js';
import { legsOf, soleCluster } from './route.js';

/**
 * Re-encrypts `prefix`: in one cluster, as `kv/reencrypt.ts` does; over
 * partitions, in each spanned partition, one after the other, each with its
 * own configuration's keys. Partitions without encryption are left alone
 * (their values are plaintext by design); if none has it, the error says why.
 */
export async function reencryptIn(
  backend: Backend,
  prefix: string,
  options: ReencryptOptions = {},
): Promise<ReencryptResult> {
  const sole = soleCluster(backend);
  if (sole) return reencrypt(sole.core, prefix, options);
  const legs = legsOf(backend, prefix, options);
  const encrypted = legs.filter((l) => l.cluster.config.encryption !== undefined);
  if (encrypted.length === 0) {
    throw new ConfigError(
      'encryption',
      `is not configured in any partition under this prefix (${legs.map((l) => partitionLabel(l.partition)).join(', ')})`,
    );
  }
  let total: ReencryptResult = { scanned: 0, rewritten: 0, skipped: 0 };
  for (const leg of encrypted) {
    const before = total;
    const onProgress = options.onProgress && ((p: ReencryptResult) => options.onProgress!(add(before, p)));
    const all = leg.prefix === '' ? { all: true } : {};
    total = add(
      before,
      await reencrypt(leg.cluster.core, leg.prefix, { ...options, ...all, ...(onProgress ? { onProgress } : {}) }),
    );
  }
  return total;
}

function add(a: ReencryptResult, b: ReencryptResult): ReencryptResult {
  return { scanned: a.scanned + b.scanned, rewritten: a.rewritten + b.rewritten, skipped: a.skipped + b.skipped };
}
