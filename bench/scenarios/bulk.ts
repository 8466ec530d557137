import { timed, type Measurement, type Round, type Scenario } from '../scenario.js';
import { chunksOf, entriesOf } from './data.js';

const KEYS = 10_000;
const VALUE_BYTES = 256;
/** etcd's default `--max-txn-ops`: what a hand-written chunking loop would use. */
const TXN_OPS = 128;

const data = new Map<string, Map<string, Buffer>>();

function entries(round: Round): Map<string, Buffer> {
  let e = data.get(round.ctx.prefix);
  if (!e) data.set(round.ctx.prefix, (e = entriesOf(`${round.ctx.prefix}k/`, KEYS, VALUE_BYTES)));
  return e;
}

async function etcdkitBulk(round: Round) {
  const e = entries(round);
  return timed(async () => (await round.ctx.etcdkit.bulkPut(e)).count);
}

/**
 * The loop users write first: one put per key, one after the other. It is
 * slow, so it stops after the round's duration (its rate is steady: a put
 * loop does not speed up with more keys).
 */
async function rawPutLoop(round: Round) {
  const e = [...entries(round)];
  return timed(async () => {
    const deadline = performance.now() + round.durationMs;
    let n = 0;
    for (const [key, value] of e) {
      if (performance.now() >= deadline) break;
      await round.ctx.raw.put(key).value(value).exec();
      n++;
    }
    return n;
  });
}

/** The careful hand-written loop: transactions of 128 puts, one after the other. */
async function rawTxnLoop(round: Round) {
  const chunks = chunksOf([...entries(round)], TXN_OPS);
  return timed(async () => {
    let n = 0;
    for (const chunk of chunks) {
      const success = chunk.map(([key, value]) => ({ request_put: { key: Buffer.from(key), value } }));
      await round.ctx.raw.kv.txn({ success });
      n += chunk.length;
    }
    return n;
  });
}

const teardown = async () => {
  data.clear();
};

function versus(against: 'put' | 'txn', minRatio: number, raw: (round: Round) => Promise<Measurement>): Scenario {
  const loop = against === 'put' ? 'a sequential put loop' : 'a loop of 128-op txns';
  return {
    name: `bulk-10k-vs-${against}-loop`,
    title: `load 10,000 keys (256 B): bulkPut vs ${loop}`,
    unit: 'keys/s',
    labels: { etcdkit: 'etcdkit bulkPut', raw: `etcd3 ${against} loop` },
    targets: { minRatio },
    etcdkit: etcdkitBulk,
    raw,
    teardown,
  };
}

export const bulkVsPutLoop = versus('put', 20, rawPutLoop);
export const bulkVsTxnLoop = versus('txn', 1.0, rawTxnLoop);
