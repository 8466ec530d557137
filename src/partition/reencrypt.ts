import type { Backend } from '../backend/index.js';
import { ConfigError } from '../errors/index.js';
import { partitionLabel } from '../errors/partition-label.js';
import type { PrefixOptions } from '../kv/index.js';
import type { ReencryptOptions, ReencryptResult } from '../kv/reencrypt.js';

/**
 * Re-encrypts `prefix` in each spanned partition, one after the other, each
 * with its own configuration's keys. Partitions without encryption are left
 * alone (their values are plaintext by design); if none has it, the error says why.
 */
export async function reencryptAll(
  legs: ReadonlyArray<{ partition: string; prefix: string; backend: Backend }>,
  options: ReencryptOptions & PrefixOptions = {},
): Promise<ReencryptResult> {
  const encrypted = legs.filter((l) => l.backend.config.encryption !== undefined);
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
      await leg.backend.reencrypt(leg.prefix, { ...options, ...all, ...(onProgress ? { onProgress } : {}) }),
    );
  }
  return total;
}

function add(a: ReencryptResult, b: ReencryptResult): ReencryptResult {
  return { scanned: a.scanned + b.scanned, rewritten: a.rewritten + b.rewritten, skipped: a.skipped + b.skipped };
}
