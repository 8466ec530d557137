/**
 * STM throughput: 8 concurrent workers doing random transfers between 10
 * accounts, with etcdkit's `client.stm` and etcd3's `stm().transact` in
 * interleaved rounds on the same etcd. Reports transfers/s and the conflict
 * rate (conflicting attempts / all attempts), medians over the rounds.
 *
 *   npx tsx bench/stm.ts            # starts its own etcd
 *   ETCD_ENDPOINTS=localhost:2379 npx tsx bench/stm.ts
 */
import { randomBytes } from 'node:crypto';
import { Etcd3, type ISTMOptions } from 'etcd3';
import { Client, Config, type Isolation } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';

const ACCOUNTS = 10;
const WORKERS = 8;
const TRANSFERS = 200;
const ROUNDS = 5;
const BUDGET_MS = 40_000;

interface Round {
  readonly perSecond: number;
  readonly conflictRate: number;
}

/** One transfer as a read-modify-write over two balances: how many attempts it took. */
type Transfer = (from: string, to: string, amount: number) => Promise<number>;

function pick(n: number, not?: number): number {
  for (;;) {
    const i = Math.floor(Math.random() * n);
    if (i !== not) return i;
  }
}

async function round(accounts: string[], transfer: Transfer): Promise<Round> {
  let next = 0;
  let attempts = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < TRANSFERS) {
      next++;
      const from = pick(ACCOUNTS);
      const n = await transfer(accounts[from]!, accounts[pick(ACCOUNTS, from)]!, 1 + Math.floor(Math.random() * 20));
      attempts += n;
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: TRANSFERS / seconds, conflictRate: (attempts - TRANSFERS) / attempts };
}

function etcdkitTransfer(client: Client, isolation: Isolation): Transfer {
  return async (from, to, amount) => {
    const res = await client.stm(
      async (tx) => {
        const a = Number(await tx.getString(from));
        const b = Number(await tx.getString(to));
        if (a < amount) return;
        tx.put(from, String(a - amount));
        tx.put(to, String(b + amount));
      },
      { isolation, retries: 10_000 },
    );
    return res.attempts;
  };
}

// etcd3's Isolation is a const enum (unusable under isolatedModules): its numeric values.
const ETCD3_ISOLATION = { SerializableSnapshot: 0, Serializable: 1, RepeatableReads: 2 } as const;

function etcd3Transfer(etcd: Etcd3, prefix: string, isolation: number, retries = 10_000): Transfer {
  const ns = etcd.namespace(prefix);
  return async (from, to, amount) => {
    let attempts = 0;
    await ns.stm({ retries, isolation: isolation as ISTMOptions['isolation'] }).transact(async (tx) => {
      attempts++;
      const a = Number(await tx.get(from).string());
      const b = Number(await tx.get(to).string());
      if (a < amount) return;
      await Promise.all([tx.put(from).value(String(a - amount)), tx.put(to).value(String(b + amount))]);
    });
    return attempts;
  };
}

/**
 * etcd3 guards SerializableSnapshot writes with `mod_revision < earliest mod
 * revision read` instead of Go's `< first read's header revision + 1` (the
 * bug Go fixed in etcd-io/etcd#8439): a transaction that writes a key it
 * read can never commit. Shown once, uncontended, instead of timed.
 */
async function snapshotCheck(etcd: Etcd3, prefix: string, accounts: string[]): Promise<string> {
  try {
    const attempts = await etcd3Transfer(etcd, prefix, ETCD3_ISOLATION.SerializableSnapshot, 3)(accounts[0]!, accounts[1]!, 1);
    return `committed after ${attempts} attempt(s)`;
  } catch (err) {
    return `${(err as Error).constructor.name} after 4 attempts (never commits a write to a key it read)`;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const etcdServer = await startEtcd();
  const prefix = `/bench/stm-${randomBytes(4).toString('hex')}/`;
  const client = await Client.connect(Config.defaults().withEndpoints(...etcdServer.endpoints).withNamespace(prefix));
  const etcd = new Etcd3({ hosts: etcdServer.endpoints });
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${i}`);
  const contenders: Array<[string, Transfer]> = [
    ['etcdkit serializable-snapshot', etcdkitTransfer(client, 'serializable-snapshot')],
    ['etcdkit serializable', etcdkitTransfer(client, 'serializable')],
    ['etcd3 Serializable', etcd3Transfer(etcd, prefix, ETCD3_ISOLATION.Serializable)],
    ['etcdkit repeatable-reads', etcdkitTransfer(client, 'repeatable-reads')],
    ['etcd3 RepeatableReads', etcd3Transfer(etcd, prefix, ETCD3_ISOLATION.RepeatableReads)],
  ];
  const results = new Map<string, Round[]>(contenders.map(([name]) => [name, []]));
  const deadline = Date.now() + BUDGET_MS;
  try {
    for (let r = 0; r < ROUNDS && Date.now() < deadline; r++) {
      for (const [name, transfer] of r % 2 ? [...contenders].reverse() : contenders) {
        await client.bulkPut(Object.fromEntries(accounts.map((a) => [a, '1000'])));
        results.get(name)!.push(await round(accounts, transfer));
        if (process.env.BENCH_VERBOSE) console.error(name, results.get(name)!.at(-1));
        const total = (await Promise.all(accounts.map(async (a) => Number(await client.getString(a))))).reduce((s, b) => s + b, 0);
        if (total !== ACCOUNTS * 1000) throw new Error(`${name}: total is ${total}, money was created or lost`);
      }
    }
    const base = median(results.get('etcd3 Serializable')!.map((x) => x.perSecond));
    console.log(`\nSTM transfers: ${WORKERS} workers, ${ACCOUNTS} accounts, ${TRANSFERS} transfers per round, medians of ${results.get(contenders[0]![0])!.length} rounds\n`);
    console.log('| implementation | transfers/s | conflict rate | vs etcd3 Serializable |');
    console.log('|---|---:|---:|---:|');
    for (const [name, rounds] of results) {
      const tps = median(rounds.map((x) => x.perSecond));
      const rate = median(rounds.map((x) => x.conflictRate));
      console.log(`| ${name} | ${tps.toFixed(0)} | ${(rate * 100).toFixed(1)} % | ${(tps / base).toFixed(2)}x |`);
    }
    console.log(`\netcd3 SerializableSnapshot, one uncontended transfer: ${await snapshotCheck(etcd, prefix, accounts)}`);
  } finally {
    await client.deletePrefix('acct-').catch(() => {});
    await client.close();
    etcd.close();
    await etcdServer.stop();
  }
}

await main();
