import type { Config } from '../config/index.js';
import { TxnTooLargeError } from '../errors/index.js';

/** Room left in each transaction request for its own framing. */
export const TXN_OVERHEAD = 1024;

/**
 * Splits `items` into runs that each fit one transaction: at most
 * `maxTxnOps` operations and at most `maxRequestBytes` bytes. With `atomic`,
 * refuses with {@link TxnTooLargeError} instead of splitting.
 */
export function chunkForTxn<T>(items: readonly T[], cost: (item: T) => number, config: Config, atomic: boolean): T[][] {
  const budget = config.maxRequestBytes - TXN_OVERHEAD;
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  let total = 0;
  for (const item of items) {
    const c = cost(item);
    total += c;
    if (current.length > 0 && (current.length >= config.maxTxnOps || bytes + c > budget)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += c;
  }
  if (current.length > 0) chunks.push(current);
  if (atomic && chunks.length > 1) {
    throw new TxnTooLargeError(items.length, total + TXN_OVERHEAD, {
      maxTxnOps: config.maxTxnOps,
      maxRequestBytes: config.maxRequestBytes,
    });
  }
  return chunks;
}

/**
 * Runs `send` over every chunk with at most `concurrency` in flight. On the
 * first failure no further chunk starts; the ones in flight finish. Returns
 * each chunk's result in chunk order, or the failure and what was applied.
 */
export async function runChunks<T, R>(
  chunks: readonly T[][],
  concurrency: number,
  send: (chunk: T[]) => Promise<R>,
): Promise<{ results: R[]; applied: number; error?: unknown }> {
  const results: R[] = new Array(chunks.length);
  let next = 0;
  let applied = 0;
  let error: unknown;
  let failed = false;
  const worker = async () => {
    while (!failed && next < chunks.length) {
      const i = next++;
      try {
        results[i] = await send(chunks[i]!);
        applied += chunks[i]!.length;
      } catch (err) {
        if (!failed) error = err;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  return failed ? { results, applied, error } : { results, applied };
}
