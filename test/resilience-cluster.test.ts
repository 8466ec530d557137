import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Config, EtcdKitError, type ConnectionEvent } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { uniquePrefix } from './helpers.js';

// A 3-member loopback cluster whose members are killed and restarted.

let etcd: EtcdHandle;
let client: Client;
const events: ConnectionEvent[] = [];

beforeAll(async () => {
  etcd = await startEtcd({ members: 3 });
  client = await Client.connect(
    Config.defaults()
      .withEndpoints(...etcd.endpoints)
      .withCircuitBreaker({ threshold: 2, halfOpenAfterMs: 500 }),
  );
  client.onStateChange((e) => events.push(e));
}, 60_000);

afterAll(async () => {
  await client?.close();
  await etcd?.stop();
});

/** Resolves when `predicate` holds for a recorded event, or rejects after `ms`. */
async function untilEvent(
  predicate: (e: ConnectionEvent) => boolean,
  ms: number,
  work: () => Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!events.some(predicate)) {
    if (Date.now() > deadline)
      throw new Error(`no matching event within ${ms} ms; saw ${events.map((e) => e.type).join(', ')}`);
    await work();
  }
}

/**
 * Waits until the cluster is whole again after a restart, from this client's
 * point of view: every member answers and names the same leader, and no
 * circuit is open. A member killed earlier keeps its circuit open until a call
 * happens to be routed to it and succeeds, and a restarted member that has
 * not heard from the leader yet can start an election (etcd 3.4 runs without
 * pre-vote), making the others answer "no leader" for a moment: a test that
 * counts open circuits must not start before both are over.
 */
async function untilSettled(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const statuses = await client.status();
    const leaders = new Set(statuses.map((s) => s.leader));
    const whole = statuses.every((s) => s.reachable) && leaders.size === 1 && !leaders.has('0');
    if (whole && (await client.health()).openCircuits === 0) return;
    if (Date.now() > deadline) throw new Error(`cluster not settled within ${ms} ms: ${JSON.stringify(statuses)}`);
    // Reads give an open circuit its test call (etcd3 picks endpoints at random).
    await client.exists('/settle-probe');
  }
}

describe('leader killed during 500 sequential puts', () => {
  it('keeps every acknowledged put, and fails the others with typed errors', async () => {
    const prefix = uniquePrefix('leader-kill');
    const outcomes: Array<{ ok: true } | { ok: false; error: unknown }> = [];
    let killing: Promise<void> | undefined;
    let killed = -1;
    for (let i = 0; i < 500; i++) {
      if (i === 250) {
        killed = await etcd.leader();
        expect(killed).toBeGreaterThanOrEqual(0);
        killing = etcd.kill(killed); // not awaited: the kill lands while puts are in flight
      }
      outcomes.push(
        await client.put(`${prefix}${i}`, `v${i}`).then(
          () => ({ ok: true as const }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      );
    }
    await killing;

    const failed = outcomes.flatMap((o, i) => (o.ok ? [] : [{ i, error: o.error }]));
    expect(failed.length).toBeLessThan(50); // the workload went on through the failover
    for (const { error } of failed) {
      expect(error).toBeInstanceOf(EtcdKitError);
      expect(['AMBIGUOUS_WRITE', 'UNAVAILABLE', 'TIMEOUT']).toContain((error as EtcdKitError).code);
    }
    const stored = await client.listWithValues(prefix);
    outcomes.forEach((o, i) => {
      const value = stored.get(`${prefix}${i}`)?.toString();
      if (o.ok) expect(value, `acknowledged put ${i}`).toBe(`v${i}`);
      // A write that failed without being ambiguous was provably never sent.
      else if ((o.error as EtcdKitError).code !== 'AMBIGUOUS_WRITE') expect(value, `failed put ${i}`).toBeUndefined();
    });
    await etcd.restart(killed);
  }, 90_000);
});

describe('a stopped member with the others healthy', () => {
  it('is skipped once its circuit opens, and used again when it returns', async () => {
    const prefix = uniquePrefix('member-down');
    await untilSettled(30_000);
    const leader = await etcd.leader();
    const victim = (leader + 1) % 3;
    const endpoint = etcd.endpoints[victim]!;
    // Written before the kill: right after it, a write may still go out on the dead member's connection.
    await client.put(`${prefix}seed`, 'x');
    events.length = 0;
    await etcd.kill(victim);

    let n = 0;
    // Until the client has noticed the death, a write may still go out on the
    // dead member's old connection: that one is rightly ambiguous. Reads are
    // retried, so none of them may fail.
    const read = async () => {
      n++;
      expect(await client.getString(`${prefix}seed`)).toBe('x');
    };
    await untilEvent((e) => e.type === 'endpoint-down' && e.endpoint === endpoint, 20_000, read);
    // Once its circuit is open the dead member is skipped: writes succeed too.
    const work = async () => {
      await client.put(`${prefix}${n}`, 'x');
      expect(await client.getString(`${prefix}${n++}`)).toBe('x');
    };
    for (let i = 0; i < 10; i++) await work();
    const down = (await client.status()).find((s) => s.endpoint === endpoint)!;
    expect(down.reachable).toBe(false);
    expect(down.circuit).toBe('open');
    expect((await client.health()).openCircuits).toBe(1);

    await etcd.restart(victim);
    await untilEvent((e) => e.type === 'endpoint-up' && e.endpoint === endpoint, 20_000, work);
    const up = (await client.status()).find((s) => s.endpoint === endpoint)!;
    expect(up.reachable).toBe(true);
    expect(up.circuit).toBe('closed');
  }, 60_000);
});
