/**
 * Value pipeline throughput.
 *
 * 1. In process: seal (encode) and open (decode) with AES-256-GCM, for 1 KiB
 *    and 64 KiB values, in MB/s of plaintext. The codec is internal, so this
 *    part imports it directly.
 * 2. On real etcd: put and get throughput with raw etcd3, etcdkit without
 *    encryption, and etcdkit with encryption, in interleaved rounds.
 *
 * Run: `npx tsx bench/codec.ts` (starts its own etcd unless ETCD_ENDPOINTS is set).
 */
import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { Client, Config } from '../src/index.js';
import { createCodec } from '../src/codec/index.js';
import { startEtcd } from '../src/testing/index.js';

const KiB = 1024;
const SIZES = [1 * KiB, 64 * KiB];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** Runs `fn` repeatedly for about `ms` milliseconds; returns calls per second. */
function rate(ms: number, fn: () => void): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 16; i++) fn();
    n += 16;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

function inProcess(): void {
  const codec = createCodec(Config.defaults().withEncryption(randomBytes(32)));
  const etcdKey = Buffer.from('/bench/some/key');
  // The floor: the least node:crypto does per value (one cipher, one update, the tag), same nonce reused.
  const key = createSecretKey(randomBytes(32));
  const nonce = randomBytes(12);
  const floor = (value: Buffer) => () => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.update(value);
    cipher.final();
    cipher.getAuthTag();
  };
  console.log('\nIn process, AES-256-GCM (MB/s of plaintext, median of 11 interleaved rounds)');
  console.log('size     seal MB/s  open MB/s  node:crypto floor MB/s  seal vs floor');
  for (const size of SIZES) {
    const value = randomBytes(size);
    const stored = codec.encode(etcdKey, value);
    const seal: number[] = [];
    const open: number[] = [];
    const bare: number[] = [];
    for (let round = 0; round < 11; round++) {
      seal.push(rate(120, () => codec.encode(etcdKey, value)));
      open.push(rate(120, () => codec.decode(etcdKey, stored, 'k')));
      bare.push(rate(120, floor(value)));
    }
    const mb = (ops: number) => (ops * size) / 1e6;
    console.log(
      `${String(size / KiB).padStart(3)} KiB  ${fmt(mb(median(seal))).padStart(9)}  ${fmt(mb(median(open))).padStart(9)}` +
        `  ${fmt(mb(median(bare))).padStart(22)}  ${(median(seal) / median(bare)).toFixed(2).padStart(13)}`,
    );
  }
}

type Ops = { put(key: string, value: Buffer): Promise<unknown>; get(key: string): Promise<unknown> };

/** Runs `op` with `concurrency` workers for `ms`; returns ops per second. */
async function load(ms: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await op(n++);
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

async function onEtcd(endpoints: string[]): Promise<void> {
  const raw = new Etcd3({ hosts: endpoints });
  const base = Config.defaults().withEndpoints(...endpoints);
  const plain = await Client.connect(base.withNamespace('/bench/plain/'));
  const sealed = await Client.connect(base.withNamespace('/bench/sealed/').withEncryption(randomBytes(32)));
  const clients: Record<string, Ops> = {
    etcd3: { put: (k, v) => raw.put(`/bench/raw/${k}`).value(v).exec(), get: (k) => raw.get(`/bench/raw/${k}`).buffer() },
    'etcdkit plain': plain,
    'etcdkit encrypted': sealed,
  };
  const KEYS = 64;
  const CONCURRENCY = 16;
  console.log(`\nReal etcd, ${CONCURRENCY} requests in flight, ${KEYS} keys (ops/s, median of 5 interleaved rounds)`);
  console.log('size    client              put ops/s  get ops/s  put vs etcd3  get vs etcd3');
  for (const size of SIZES) {
    const value = randomBytes(size);
    const results: Record<string, { put: number[]; get: number[] }> = {};
    for (const name of Object.keys(clients)) results[name] = { put: [], get: [] };
    for (let round = 0; round < 5; round++) {
      for (const [name, c] of Object.entries(clients)) {
        results[name]!.put.push(await load(400, CONCURRENCY, (i) => c.put(`k${i % KEYS}`, value)));
        results[name]!.get.push(await load(400, CONCURRENCY, (i) => c.get(`k${i % KEYS}`)));
      }
    }
    const ref = { put: median(results.etcd3!.put), get: median(results.etcd3!.get) };
    for (const [name, r] of Object.entries(results)) {
      const put = median(r.put);
      const get = median(r.get);
      console.log(
        `${String(size / KiB).padStart(3)} KiB ${name.padEnd(19)} ${fmt(put).padStart(9)}  ${fmt(get).padStart(9)}` +
          `  ${(put / ref.put).toFixed(2).padStart(12)}  ${(get / ref.get).toFixed(2).padStart(12)}`,
      );
    }
  }
  await plain.deletePrefix('', { all: true });
  await sealed.deletePrefix('', { all: true });
  await raw.delete().prefix('/bench/raw/');
  await Promise.all([plain.close(), sealed.close()]);
  raw.close();
}

const etcd = await startEtcd();
try {
  inProcess();
  await onEtcd(etcd.endpoints);
} finally {
  await etcd.stop();
}
