import type { ISTMOptions } from 'etcd3';
import { timed, type BenchContext, type Measurement, type Round, type Scenario } from '../scenario.js';

const ACCOUNTS = 10;
const WORKERS = 8;
const START = 1000;

/** One transfer as a read-modify-write of two balances; resolves to the attempts it took. */
type Transfer = (from: string, to: string, amount: number) => Promise<number>;

// etcd3's Isolation is a const enum (unusable under isolatedModules): its value for Serializable.
const ETCD3_SERIALIZABLE = 1 as ISTMOptions['isolation'];

const accounts = (ctx: BenchContext, side: string) =>
  Array.from({ length: ACCOUNTS }, (_, i) => `${ctx.prefix}${side}/acct-${i}`);

function pick(not?: number): number {
  for (;;) {
    const i = Math.floor(Math.random() * ACCOUNTS);
    if (i !== not) return i;
  }
}

const etcdkitTransfer =
  (ctx: BenchContext): Transfer =>
  async (from, to, amount) => {
    const res = await ctx.etcdkit.stm(
      async (tx) => {
        const a = Number(await tx.getString(from));
        const b = Number(await tx.getString(to));
        if (a < amount) return;
        tx.put(from, String(a - amount));
        tx.put(to, String(b + amount));
      },
      { isolation: 'serializable', retries: 10_000 },
    );
    return res.attempts;
  };

const rawTransfer =
  (ctx: BenchContext): Transfer =>
  async (from, to, amount) => {
    let attempts = 0;
    await ctx.raw.stm({ retries: 10_000, isolation: ETCD3_SERIALIZABLE }).transact(async (tx) => {
      attempts++;
      const a = Number(await tx.get(from).string());
      const b = Number(await tx.get(to).string());
      if (a < amount) return;
      await Promise.all([tx.put(from).value(String(a - amount)), tx.put(to).value(String(b + amount))]);
    });
    return attempts;
  };

/** 8 workers doing random transfers between 10 accounts for the round's duration; checks no money is lost. */
async function transfers(side: 'etcdkit' | 'raw', round: Round): Promise<Measurement> {
  const { ctx, durationMs } = round;
  const names = accounts(ctx, side);
  const transfer = side === 'etcdkit' ? etcdkitTransfer(ctx) : rawTransfer(ctx);
  let attempts = 0;
  const m = await timed(async () => {
    let done = 0;
    const end = performance.now() + durationMs;
    const worker = async () => {
      while (performance.now() < end) {
        const from = pick();
        const tries = await transfer(names[from]!, names[pick(from)]!, 1 + Math.floor(Math.random() * 20));
        attempts += tries;
        done++;
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    return done;
  });
  const total = (await Promise.all(names.map((n) => ctx.etcdkit.getString(n)))).reduce((s, v) => s + Number(v), 0);
  if (total !== ACCOUNTS * START)
    throw new Error(`${side} STM: the balances add up to ${total}, not ${ACCOUNTS * START}`);
  return { ...m, figures: { conflictRate: (100 * (attempts - m.work)) / attempts } };
}

/** STM transfers, etcdkit `stm()` (serializable) against etcd3 `stm().transact()` (Serializable). */
export const stmTransfers: Scenario = {
  name: 'stm-transfers',
  title: 'STM transfers between 10 accounts, 8 workers, serializable isolation',
  unit: 'transfers/s',
  labels: { etcdkit: 'etcdkit stm()', raw: 'etcd3 STM' },
  figures: { conflictRate: 'attempts that conflicted, %' },
  async setup(ctx) {
    const entries = new Map<string, string>();
    for (const side of ['etcdkit', 'raw']) for (const name of accounts(ctx, side)) entries.set(name, String(START));
    await ctx.etcdkit.bulkPut(entries);
  },
  etcdkit: (round) => transfers('etcdkit', round),
  raw: (round) => transfers('raw', round),
};
