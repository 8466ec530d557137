import { Etcd3 } from 'etcd3';
import { type Client, type Lease, LockLostError, op, type Watch } from '../../src/index.js';
import type { CheckedEvent, CheckedProgress } from '../../src/testing/index.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Records what a watch delivers, in order, from the moment it is given. */
export function record(watch: Watch): (CheckedEvent | CheckedProgress)[] {
  const deliveries: (CheckedEvent | CheckedProgress)[] = [];
  void (async () => {
    try {
      for await (const ev of watch) deliveries.push({ type: ev.type, key: ev.key, modRevision: ev.modRevision });
    } catch {
      // A watch that fails is judged by what it delivered (reliable: nothing after its last event).
    }
  })();
  return deliveries;
}

/**
 * Every event under `prefix` from `from` to `to`, read after the run with a plain etcd3 watch of a healthy cluster.
 * `to` is the revision of a write to a key starting with '/' (under `prefix` or not). The watch covers every such
 * key and ends at the event of revision `to`: a catch-up comes in batches of 1,000 revisions, each with the
 * current revision in its header, so a header at `to` does not mean every event up to it has arrived.
 */
export async function truth(endpoints: string[], prefix: string, from: number, to: number): Promise<CheckedEvent[]> {
  const raw = new Etcd3({ hosts: endpoints });
  const events: CheckedEvent[] = [];
  try {
    if (to < from) return events;
    const watcher = await raw.watch().prefix('/').startRevision(String(from)).create();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the reference watch did not reach revision ${to}`)), 30_000);
      watcher.on('data', (res) => {
        let last = 0;
        for (const ev of res.events) {
          const modRevision = Number(ev.kv.mod_revision);
          last = modRevision;
          const key = ev.kv.key.toString();
          if (!key.startsWith(prefix)) continue;
          events.push({ type: ev.type === 'Delete' ? 'delete' : 'put', key, modRevision });
        }
        if (last >= to) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await watcher.cancel();
    return events.filter((e) => e.modRevision <= to);
  } finally {
    raw.close();
  }
}

/**
 * Two workers take turns holding a lock; while holding it each writes the
 * guarded key in a transaction fenced by `isOwner()`, as `<token>:<n>`.
 * Safety: in revision order the tokens never go down.
 */
export async function lockWorkers(
  clients: Client[],
  name: string,
  guard: string,
  stop: AbortSignal,
): Promise<{ holds: number; lost: number }> {
  const figures = { holds: 0, lost: 0 };
  await Promise.all(
    clients.map(async (client) => {
      while (!stop.aborted) {
        const lock = client.newLock(name, { ttl: 2 });
        try {
          await lock.lock({ signal: stop, timeoutMs: 10_000 });
          figures.holds++;
          for (let i = 0; i < 3 && !stop.aborted; i++) {
            await client
              .txn()
              .if(lock.isOwner())
              .onSuccess(op.put(guard, `${lock.fencingToken}:${i}`))
              .commit({ timeoutMs: 2000 })
              .catch(() => undefined);
            await sleep(30);
          }
          await lock.unlock().catch((err: unknown) => {
            if (err instanceof LockLostError) figures.lost++;
          });
        } catch {
          await sleep(50);
        } finally {
          await lock.close().catch(() => undefined);
        }
      }
    }),
  );
  return figures;
}

/** Tokens in the order their writes were applied must never go down (two holders never interleave). */
export function fencingViolations(values: string[]): string[] {
  const bad: string[] = [];
  let highest = 0;
  for (const v of values) {
    const token = Number(v.split(':')[0]);
    if (token < highest) bad.push(`token ${token} wrote after token ${highest}`);
    highest = Math.max(highest, token);
  }
  return bad;
}

/**
 * Watches one kept-alive lease from both sides: a lease the client calls
 * active must exist on the server (allowing `slackMs` for the news to
 * travel), and the client must call it lost no later than the server lets it go.
 */
export function leaseWatchdog(
  lease: Lease,
  endpoints: string[],
  stop: AbortSignal,
  slackMs: number,
): Promise<string[]> {
  const raw = new Etcd3({ hosts: endpoints });
  const problems: string[] = [];
  return (async () => {
    let goneSince: number | undefined;
    try {
      while (!stop.aborted && lease.state === 'active') {
        const res = await raw.leaseClient
          .leaseTimeToLive({ ID: BigInt(`0x${lease.id}`).toString(), keys: false })
          .then((r) => Number(r.TTL))
          .catch(() => undefined);
        if (res !== undefined && res < 0) goneSince ??= performance.now();
        if (goneSince !== undefined && lease.state === 'active' && performance.now() - goneSince > slackMs) {
          problems.push(
            `lease ${lease.id} expired on the server ${Math.round(performance.now() - goneSince)} ms ago, still active for the client`,
          );
          break;
        }
        await sleep(200);
      }
    } finally {
      raw.close();
    }
    return problems;
  })();
}

/** Two candidates take turns leading an election: campaign, lead a moment, resign. */
export async function electionWorkers(clients: Client[], name: string, stop: AbortSignal): Promise<number> {
  let terms = 0;
  await Promise.all(
    clients.map(async (client, i) => {
      while (!stop.aborted) {
        const election = client.election(name, { ttl: 2 });
        try {
          await election.campaign(`c${i}-${terms}`, { signal: stop, timeoutMs: 10_000 });
          terms++;
          await sleep(150);
          await election.resign();
        } catch {
          await sleep(50);
        } finally {
          await election.close().catch(() => undefined);
        }
      }
    }),
  );
  return terms;
}

/** Records the leaders an observer reports, as events (an observer reports leaders only, and may skip one). */
export function observeLeaders(client: Client, name: string, stop: AbortSignal): CheckedEvent[] {
  const seen: CheckedEvent[] = [];
  void (async () => {
    try {
      for await (const kv of client.election(name).observe({ signal: stop })) {
        seen.push({ type: 'put', key: kv.key, modRevision: kv.modRevision });
      }
    } catch {
      // Judged by what it reported.
    }
  })();
  return seen;
}
