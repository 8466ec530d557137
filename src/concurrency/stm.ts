import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision } from '../core/ids.js';
import { toBuffer, type Value } from '../codec/index.js';
import { CancelledError, ConflictError, ValidationError } from '../errors/index.js';
import { toKeyValue, type KeyValue, type LeaseRef } from '../kv/index.js';
import { commitTxn, compare, op, type Comparison, type DeleteOp, type GetOpResult, type PutOp } from '../txn/index.js';
import { checkWhole } from '../config/checks.js';

/**
 * How an {@link Client.stm} transaction is isolated from concurrent writers
 * (etcd's four levels, as in Go's `clientv3/concurrency`):
 * - `'serializable-snapshot'`: every read sees the revision of the first
 *   read; commits only if nothing read changed and nothing written was
 *   written by someone else since that revision (also catches write-write conflicts).
 * - `'serializable'`: reads at the revision of the first read; commits only if nothing read changed.
 * - `'repeatable-reads'`: each key is read at the latest revision once
 *   (later reads repeat it); commits only if nothing read changed.
 * - `'read-committed'`: reads at the latest revision; never conflicts.
 */
export type Isolation = 'serializable-snapshot' | 'serializable' | 'repeatable-reads' | 'read-committed';

/** Options of {@link Client.stm}. */
export interface StmOptions extends CallOptions {
  /** @default 'serializable-snapshot' */
  isolation?: Isolation;
  /**
   * Times the function is run again after a conflict; then {@link ConflictError}.
   * @default 10
   */
  retries?: number;
}

/** What {@link Client.stm} resolves to. */
export interface StmResult<T> {
  /** What the function returned on the attempt that committed. */
  readonly value: T;
  /** The revision of the commit (for a read-only snapshot transaction: the revision it read at). */
  readonly revision: number;
  /** Runs of the function: 1 when the first attempt committed; `attempts - 1` conflicts were retried. */
  readonly attempts: number;
}

/** The transaction handed to the {@link Client.stm} function. Writes are buffered until commit. */
export interface StmTx {
  /** The value of `key` (decoded), or `undefined` when absent. A key written in this transaction reads back its new value. */
  get(key: string): Promise<Buffer | undefined>;
  /** {@link StmTx.get} as UTF-8 text. */
  getString(key: string): Promise<string | undefined>;
  /** The mod revision of `key` as read by this transaction (0 when absent). */
  rev(key: string): Promise<number>;
  /** Buffers a write of `key`, applied at commit. */
  put(key: string, value: Value, options?: { lease?: LeaseRef }): void;
  /** Buffers a deletion of `key`, applied at commit. */
  delete(key: string): void;
}

const ISOLATIONS: readonly Isolation[] = [
  'serializable-snapshot',
  'serializable',
  'repeatable-reads',
  'read-committed',
];
const DEFAULT_RETRIES = 10;

/** A key as read: its key-value (undefined when absent) and the revision it was read at. */
interface Read {
  readonly kv: KeyValue | undefined;
  readonly revision: number;
}

/** Reads handed from a failed commit to the next attempt, all at `revision` (Go's prefetch). */
interface Prefetch {
  readonly reads: Map<string, Read>;
  readonly revision: number;
}

type Outcome = { committed: true; revision: number } | { committed: false; prefetch: Prefetch | undefined };

/** One run of the function: its read set, write set and base revision. */
class Attempt implements StmTx {
  /** The core of a key: always the same one, except on a partitioned client, where it is the key's partition's. */
  readonly #coreOf: (key: string) => Core;
  /** The core the commit goes to; undefined until the first key is touched when each key picks its core. */
  #core: Core | undefined;
  readonly #isolation: Isolation;
  readonly #options: CallOptions;
  readonly #reads = new Map<string, Promise<Read>>();
  readonly #writes = new Map<string, { op: PutOp | DeleteOp; value: Buffer | undefined }>();
  #base: Promise<number> | undefined;
  #done = false;

  constructor(
    core: Core | ((key: string) => Core),
    isolation: Isolation,
    options: CallOptions,
    prefetch: Prefetch | undefined,
  ) {
    this.#coreOf = typeof core === 'function' ? (key) => (this.#core = core(key)) : () => core;
    this.#core = typeof core === 'function' ? undefined : core;
    this.#isolation = isolation;
    this.#options = options;
    if (prefetch && this.#snapshot) {
      for (const [key, read] of prefetch.reads) this.#reads.set(key, Promise.resolve(read));
      this.#base = Promise.resolve(prefetch.revision);
    }
  }

  get #snapshot(): boolean {
    return this.#isolation === 'serializable-snapshot' || this.#isolation === 'serializable';
  }

  async get(key: string): Promise<Buffer | undefined> {
    this.#check();
    const written = this.#writes.get(key);
    if (written) return written.value;
    return (await this.#read(key)).kv?.value;
  }

  async getString(key: string): Promise<string | undefined> {
    return (await this.get(key))?.toString('utf8');
  }

  async rev(key: string): Promise<number> {
    this.#check();
    return (await this.#read(key)).kv?.modRevision ?? 0;
  }

  put(key: string, value: Value, options: { lease?: LeaseRef } = {}): void {
    this.#check();
    this.#coreOf(key).keys.encode(key);
    const plain = toBuffer(value, key);
    this.#writes.set(key, {
      op: op.put(key, plain, options.lease === undefined ? {} : { lease: options.lease }),
      value: plain,
    });
  }

  delete(key: string): void {
    this.#check();
    this.#coreOf(key).keys.encode(key);
    this.#writes.set(key, { op: op.delete(key), value: undefined });
  }

  #check(): void {
    if (this.#done) throw new ValidationError('stm: the transaction was used after its attempt ended');
  }

  /** Each key is read once per attempt; in the snapshot levels every read is at the first read's revision. */
  #read(key: string): Promise<Read> {
    let read = this.#reads.get(key);
    if (read) return read;
    if (!this.#snapshot) read = this.#range(key, undefined);
    else if (this.#base === undefined) {
      read = this.#range(key, undefined);
      this.#base = read.then((r) => r.revision);
      this.#base.catch(() => {}); // the failure surfaces through `read`
    } else read = this.#base.then((rev) => this.#range(key, rev));
    this.#reads.set(key, read);
    return read;
  }

  async #range(key: string, revision: number | undefined): Promise<Read> {
    const core = this.#coreOf(key);
    const etcdKey = core.keys.encode(key);
    const res = await core.caller.run(
      'read',
      { op: 'stm.get', key },
      (grpc) => core.rpc.kv.range({ key: etcdKey, revision, limit: 1 }, grpc),
      this.#options,
    );
    const kv = res.kvs[0];
    return { kv: kv && toKeyValue(core, kv), revision: revision ?? headerRevision(res) };
  }

  /** Go's conflict guards for the isolation level. */
  #guards(reads: Map<string, Read>, base: number | undefined): Comparison[] {
    if (this.#isolation === 'read-committed') return [];
    const guards = [...reads].map(([key, r]) => compare.modRevision(key, '==', r.kv?.modRevision ?? 0));
    if (this.#isolation === 'serializable-snapshot' && base !== undefined) {
      for (const key of this.#writes.keys()) guards.push(compare.modRevision(key, '<', base + 1));
    }
    return guards;
  }

  async commit(): Promise<Outcome> {
    this.#done = true;
    const keys = [...this.#reads.keys()];
    const reads = new Map((await Promise.all(this.#reads.values())).map((r, i) => [keys[i]!, r] as const));
    const base = this.#base && (await this.#base);
    // Reads pinned to one revision already form a consistent snapshot: nothing to validate.
    if (this.#writes.size === 0 && this.#snapshot && base !== undefined) return { committed: true, revision: base };
    if (this.#core === undefined) return { committed: true, revision: 0 }; // touched no key
    const res = await commitTxn(
      this.#core,
      {
        if: this.#guards(reads, base),
        onSuccess: [...this.#writes.values()].map((w) => w.op),
        // On conflict, read the keys again in the same round trip for the next attempt.
        onFailure: this.#snapshot ? keys.map((k) => op.get(k)) : [],
      },
      this.#options,
    );
    if (res.succeeded) return { committed: true, revision: res.revision };
    if (!this.#snapshot) return { committed: false, prefetch: undefined };
    const fresh = keys.map(
      (k, i) => [k, { kv: (res.results[i] as GetOpResult).kvs[0], revision: res.revision }] as const,
    );
    return { committed: false, prefetch: { reads: new Map(fresh), revision: res.revision } };
  }
}

function checkOptions(options: StmOptions): { isolation: Isolation; retries: number } {
  const isolation = options.isolation ?? 'serializable-snapshot';
  if (!ISOLATIONS.includes(isolation)) {
    throw new ValidationError(`isolation must be one of ${ISOLATIONS.join(', ')}, got ${JSON.stringify(isolation)}`);
  }
  const retries = checkWhole('retries', options.retries ?? DEFAULT_RETRIES, { min: 0 });
  return { isolation, retries };
}

/**
 * Runs `fn` as a software transaction: its reads are tracked, its writes
 * buffered and committed in one etcd transaction guarded by what it read.
 * On a conflict `fn` runs again (so it must have no other side effects),
 * up to `retries` times.
 */
export async function stm<T>(
  core: Core | ((key: string) => Core),
  fn: (tx: StmTx) => Promise<T> | T,
  options: StmOptions = {},
): Promise<StmResult<T>> {
  const { isolation, retries } = checkOptions(options);
  if (typeof fn !== 'function') throw new ValidationError('stm needs a function');
  let prefetch: Prefetch | undefined;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new CancelledError('stm: aborted', { cause: options.signal.reason });
    const tx = new Attempt(core, isolation, options, prefetch);
    const value = await fn(tx);
    const outcome = await tx.commit();
    if (outcome.committed) return { value, revision: outcome.revision, attempts: attempt };
    if (attempt > retries) {
      throw new ConflictError(`stm: ${attempt} attempts conflicted with concurrent writers (retries: ${retries})`);
    }
    prefetch = outcome.prefetch;
  }
}
