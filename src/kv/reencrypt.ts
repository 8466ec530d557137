import type { IKeyValue } from 'etcd3';
import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { ConfigError, ConflictError, LeaseNotFoundError, namingKeys } from '../errors/index.js';
import { checkPutSize } from './limits.js';
import { scan } from './scan.js';
import { runChunks } from './chunk.js';
import { EnvelopeCodec } from '../codec/envelope-codec.js';

/** Options of {@link Client.reencrypt}. */
export interface ReencryptOptions extends CallOptions {
  /** Called after each page with the counts so far; a returned promise is awaited before the next page. */
  onProgress?: (progress: ReencryptResult) => void | Promise<void>;
  /** Keys read per page. @default 1000 */
  pageSize?: number;
  /** Required to use the empty prefix (every key of the namespace). */
  all?: boolean;
}

/** What {@link Client.reencrypt} did. */
export interface ReencryptResult {
  /** Keys read under the prefix. */
  readonly scanned: number;
  /** Keys rewritten under the primary key. */
  readonly rewritten: number;
  /** Keys left alone: already under the primary key, or deleted or rewritten under it by another writer meanwhile. */
  readonly skipped: number;
}

/** Rewrites in flight at once within a page. */
const CONCURRENCY = 8;
/** Times one key is retried when other writers keep changing it between our read and our write. */
const MAX_ATTEMPTS = 5;

/**
 * Rewrites every value under `prefix` that is not sealed under the primary
 * key. The scan is pinned to one revision; each rewrite is a transaction
 * guarded on the mod revision that was read, so a concurrent write always
 * wins: when the guard fails the key's latest value (returned by the same
 * transaction) is checked again.
 */
export async function reencrypt(core: Core, prefix: string, options: ReencryptOptions = {}): Promise<ReencryptResult> {
  const codec = core.codec;
  if (!(codec instanceof EnvelopeCodec) || !codec.encrypts) {
    throw new ConfigError('encryption', 'must be configured to reencrypt (see Config.withEncryption)');
  }
  const range = core.keys.prefixRange(prefix, options.all);
  let scanned = 0;
  let rewritten = 0;
  for await (const page of scan(core, 'reencrypt', range, options)) {
    scanned += page.kvs.length;
    const { error } = await runChunks(
      page.kvs.map((kv) => [kv]),
      CONCURRENCY,
      async ([kv]) => {
        if (await rewrite(core, codec, kv!, options)) rewritten++;
      },
    );
    if (error !== undefined) throw error;
    await options.onProgress?.({ scanned, rewritten, skipped: scanned - rewritten });
  }
  return { scanned, rewritten, skipped: scanned - rewritten };
}

/** Rewrites one key under the primary key; false when there was nothing to do. */
async function rewrite(core: Core, codec: EnvelopeCodec, read: IKeyValue, options: CallOptions): Promise<boolean> {
  let kv: IKeyValue | undefined = read;
  const key = core.keys.decode(read.key);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (!kv || codec.isCurrent(kv.value)) return false;
    // Decoding first means a value that cannot be read fails loudly here
    // instead of being skipped and left unreadable once the old key is gone.
    const stored = codec.encode(kv.key, codec.decode(kv.key, kv.value, key));
    checkPutSize(core.config, key, kv.key, stored);
    const outcome = await guardedPut(core, key, kv, stored, options);
    if (outcome === 'written') return true;
    kv = outcome;
  }
  throw namingKeys(
    new ConflictError(`reencrypt: '${key}' kept changing during ${MAX_ATTEMPTS} attempts; run reencrypt again`),
    key,
  );
}

/**
 * Puts `stored` if the key's mod revision is still the one read (keeping its
 * lease); otherwise returns the key as it is now (undefined when deleted).
 */
async function guardedPut(
  core: Core,
  key: string,
  read: IKeyValue,
  stored: Buffer,
  options: CallOptions,
): Promise<'written' | IKeyValue | undefined> {
  try {
    const res = await core.caller.run(
      'write',
      { op: 'reencrypt', key },
      (grpc) =>
        core.rpc.kv.txn(
          {
            compare: [{ key: read.key, target: 'Mod', result: 'Equal', mod_revision: read.mod_revision }],
            success: [{ request_put: { key: read.key, value: stored, lease: read.lease } }],
            failure: [{ request_range: { key: read.key } }],
          },
          grpc,
        ),
      options,
    );
    return res.succeeded ? 'written' : res.responses[0]?.response_range?.kvs[0];
  } catch (err) {
    // The key's lease expired between the read and the write: the key is gone with it.
    if (err instanceof LeaseNotFoundError) return undefined;
    throw err;
  }
}
