import type { IRequestOp, ITxnRequest } from 'etcd3';
import type { Config } from '../config/index.js';
import { TxnTooLargeError, ValidationError } from '../errors/index.js';
import { TXN_OVERHEAD } from '../kv/index.js';

/**
 * Refuses, before sending, what etcd would refuse: more operations than
 * `maxTxnOps` (counted as the server does: the largest of the compare,
 * success and failure lists, nested transactions sharing what is left of the
 * budget), a request over `maxRequestBytes`, and a key written twice in one
 * branch (a put and a put, or a put inside a deleted range).
 *
 * @throws {@link TxnTooLargeError} over a limit.
 * @throws {@link ValidationError} for a key written twice.
 */
export function checkTxn(request: ITxnRequest, bytes: number, config: Config): void {
  const limits = { maxTxnOps: config.maxTxnOps, maxRequestBytes: config.maxRequestBytes };
  const total = bytes + TXN_OVERHEAD;
  const ops = etcdOps(request);
  if (ops > config.maxTxnOps || total > config.maxRequestBytes) {
    throw new TxnTooLargeError(ops, total, limits);
  }
  checkWrites(request.success ?? []);
  checkWrites(request.failure ?? []);
}

function opCount(r: ITxnRequest): number {
  return Math.max(r.compare?.length ?? 0, r.success?.length ?? 0, r.failure?.length ?? 0);
}

/**
 * The operations etcd counts against `--max-txn-ops` (checkTxnRequest): the
 * largest of the compare, success and failure lists, plus what the most
 * demanding nested transaction counts, since a nested one may use only what
 * the enclosing one leaves of the budget.
 */
export function etcdOps(r: ITxnRequest): number {
  let nested = 0;
  for (const o of [...(r.success ?? []), ...(r.failure ?? [])]) {
    if (o.request_txn) nested = Math.max(nested, etcdOps(o.request_txn));
  }
  return opCount(r) + nested;
}

/** A deleted range `[start, end)`; `end` undefined is the single key `start`; `[0]` is "to the end". */
interface Interval {
  readonly start: Buffer;
  readonly end: Buffer | undefined;
}

function covers(iv: Interval, key: Buffer): boolean {
  if (iv.end === undefined) return iv.start.equals(key);
  const toEnd = iv.end.length === 1 && iv.end[0] === 0;
  return Buffer.compare(iv.start, key) <= 0 && (toEnd || Buffer.compare(key, iv.end) < 0);
}

function duplicate(key: Buffer): ValidationError {
  return new ValidationError(
    `transaction writes key ${JSON.stringify(key.toString('utf8'))} more than once (etcd refuses duplicate keys in one branch)`,
  );
}

/** Port of etcd's checkIntervals: the puts of one branch (nested ones included) and where they collide. */
function checkWrites(reqs: readonly IRequestOp[]): { puts: Set<string>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const r of reqs) {
    const d = r.request_delete_range;
    if (d?.key)
      dels.push({ start: Buffer.from(d.key), end: d.range_end?.length ? Buffer.from(d.range_end) : undefined });
  }
  const puts = new Set<string>();
  const hit = (hex: string) => dels.some((iv) => covers(iv, Buffer.from(hex, 'hex')));
  for (const r of reqs) {
    if (!r.request_txn) continue;
    const then = checkWrites(r.request_txn.success ?? []);
    const otherwise = checkWrites(r.request_txn.failure ?? []);
    for (const k of then.puts) {
      if (puts.has(k) || hit(k)) throw duplicate(Buffer.from(k, 'hex'));
      puts.add(k);
    }
    // The two branches of one nested txn never both run: a key in both is fine.
    for (const k of otherwise.puts) {
      if ((puts.has(k) && !then.puts.has(k)) || hit(k)) throw duplicate(Buffer.from(k, 'hex'));
      puts.add(k);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const r of reqs) {
    const key = r.request_put?.key;
    if (!key) continue;
    const k = Buffer.from(key).toString('hex');
    if (puts.has(k) || hit(k)) throw duplicate(Buffer.from(key));
    puts.add(k);
  }
  return { puts, dels };
}
