import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { Client, Config } from '../../src/index.js';
// The codec is internal: the in-process figure needs it directly (the public API only reaches it through etcd).
import { createCodec } from '../../src/codec/index.js';
import { closedLoop, timed, type BenchContext, type Round, type Scenario } from '../scenario.js';

const KiB = 1024;
const KEYS = 64;
const CONCURRENCY = 16;
const ENC_NOTE =
  'Each value needs its own AES-GCM cipher from node:crypto, whose set-up costs more than the cipher work on 1 KiB: the client CPU per op shows the difference.';
const LABELS = { etcdkit: 'etcdkit AES-256-GCM', raw: 'etcdkit plaintext' } as const;

/** An encrypting and a plaintext client, each on its own connection, per scenario run. */
const clients = new Map<string, { sealed: Client; plain: Client }>();

async function connect(ctx: BenchContext): Promise<void> {
  const base = Config.defaults().withEndpoints(...ctx.endpoints);
  const [sealed, plain] = await Promise.all([
    Client.connect(base.withEncryption(randomBytes(32))),
    Client.connect(base),
  ]);
  clients.set(ctx.prefix, { sealed, plain });
}

async function disconnect(ctx: BenchContext): Promise<void> {
  const c = clients.get(ctx.prefix);
  clients.delete(ctx.prefix);
  await Promise.all([c?.sealed.close(), c?.plain.close()]);
}

const keyOf = (ctx: BenchContext, side: string, i: number) => `${ctx.prefix}${side}/${i % KEYS}`;

/** put or get of `size`-byte values, 16 in flight over 64 keys: encrypted vs plaintext etcdkit clients. */
function onEtcd(op: 'put' | 'get', size: number, minRatio?: number): Scenario {
  const value = randomBytes(size);
  const side = (which: 'sealed' | 'plain') => (round: Round) => {
    const client = clients.get(round.ctx.prefix)![which];
    const run =
      op === 'put'
        ? (i: number) => client.put(keyOf(round.ctx, which, i), value)
        : (i: number) => client.get(keyOf(round.ctx, which, i));
    return closedLoop(CONCURRENCY, round.durationMs, run);
  };
  return {
    name: `encrypted-${op}-${size / KiB}k`,
    title: `${op}, ${size / KiB} KiB values, concurrency ${CONCURRENCY}: AES-256-GCM vs plaintext`,
    unit: 'ops/s',
    labels: LABELS,
    ...(minRatio ? { targets: { minRatio, whenMissed: ENC_NOTE } } : {}),
    async setup(ctx) {
      await connect(ctx);
      const { sealed, plain } = clients.get(ctx.prefix)!;
      for (let i = 0; i < KEYS; i++)
        await Promise.all([sealed.put(keyOf(ctx, 'sealed', i), value), plain.put(keyOf(ctx, 'plain', i), value)]);
    },
    etcdkit: side('sealed'),
    raw: side('plain'),
    teardown: disconnect,
  };
}

export const encryptedPut1k = onEtcd('put', KiB, 0.9);
export const encryptedGet1k = onEtcd('get', KiB, 0.9);
export const encryptedPut64k = onEtcd('put', 64 * KiB);
export const encryptedGet64k = onEtcd('get', 64 * KiB);

const SEALED = 64 * KiB;

/** Runs `fn` in batches of 16 until `ms` has passed; the work is the plaintext MB it went through. */
function loop(ms: number, fn: () => void) {
  return timed(async () => {
    let n = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      for (let i = 0; i < 16; i++) fn();
      n += 16;
    }
    return (n * SEALED) / 1e6;
  });
}

const plaintext = randomBytes(SEALED);
const etcdKey = Buffer.from('/etcdkit-bench/some/key');
const codec = createCodec(Config.defaults().withEncryption(randomBytes(32)));
const stored = codec.encode(etcdKey, plaintext);

/** What a careful user writes with node:crypto alone: nonce || ciphertext || tag, the etcd key as associated data. */
const bare = {
  key: createSecretKey(randomBytes(32)),
  seal(value: Buffer): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(etcdKey);
    return Buffer.concat([nonce, cipher.update(value), cipher.final(), cipher.getAuthTag()]);
  },
  open(sealed: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    decipher.setAAD(etcdKey);
    const out = decipher.update(sealed.subarray(12, sealed.length - 16));
    decipher.final();
    return out;
  },
};
const bareStored = bare.seal(plaintext);

/** In process, no etcd: etcdkit's codec against bare node:crypto AES-256-GCM on 64 KiB values. */
function inProcess(op: 'seal' | 'open'): Scenario {
  return {
    name: `${op}-64k`,
    title: `in process: ${op} 64 KiB values with AES-256-GCM (MB/s of plaintext)`,
    unit: 'MB/s',
    labels: { etcdkit: 'etcdkit codec', raw: 'node:crypto AES-256-GCM' },
    targets: {
      minEtcdkitRate: 1000,
      whenMissed:
        'node:crypto allocates a fresh output buffer per call; compare with the bare node:crypto side of the same run.',
    },
    etcdkit: ({ durationMs }) =>
      op === 'seal'
        ? loop(durationMs, () => codec.encode(etcdKey, plaintext))
        : loop(durationMs, () => codec.decode(etcdKey, stored, 'k')),
    raw: ({ durationMs }) =>
      op === 'seal' ? loop(durationMs, () => bare.seal(plaintext)) : loop(durationMs, () => bare.open(bareStored)),
  };
}

export const seal64k = inProcess('seal');
export const open64k = inProcess('open');
