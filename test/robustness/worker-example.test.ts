// The complete example of docs/testing.md, run as written (between the markers).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
// example:start
import { Client, Config, type Election, op } from 'etcdkit';
import { startEtcd } from 'etcdkit/testing';

/** The application under test: a worker that does its job only while it leads, fencing each side effect. */
async function worker(client: Client, name: string, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    const election: Election = client.election('/app/leader', { ttl: 2 });
    try {
      await election.campaign(name, { signal: stop });
      for (let job = 0; !stop.aborted && job < 5; job++) {
        // The side effect: written only if this campaign still leads (its fencing token).
        await client
          .txn()
          .if(election.isOwner())
          .onSuccess(op.put('/app/output', `${election.fencingToken}:${name}:${job}`))
          .commit();
        await new Promise((r) => setTimeout(r, 50));
      }
      await election.resign();
    } catch {
      // Lost leadership, a timeout, or the stop signal: campaign again.
    } finally {
      await election.close();
    }
  }
}

/** The test: two workers, the leader's member frozen in the middle; outputs never come from two leaders at once. */
async function testWorkers(): Promise<{ outputs: number; leaders: number }> {
  const etcd = await startEtcd({ members: 3 });
  const stop = new AbortController();
  const config = Config.defaults()
    .withEndpoints(...etcd.endpoints)
    .withTimeout(2000);
  const clients = [await Client.connect(config), await Client.connect(config)];
  try {
    const running = clients.map((c, i) => worker(c, `w${i}`, stop.signal));
    await new Promise((r) => setTimeout(r, 1500));
    const frozen = await etcd.leader();
    await etcd.pause(frozen); // a stalled member: silence, not a reset
    await new Promise((r) => setTimeout(r, 3000));
    await etcd.resume(frozen);
    await new Promise((r) => setTimeout(r, 1500));
    stop.abort();
    await Promise.all(running);

    // Every output, in the order etcd applied them: fencing tokens must never go down.
    const outputs = await clients[0]!.history('/app/output');
    let highest = 0;
    for (const v of outputs) {
      const token = Number(v.value.toString().split(':')[0]);
      if (token < highest) throw new Error(`leader ${token} wrote after leader ${highest}`);
      highest = token;
    }
    return { outputs: outputs.length, leaders: new Set(outputs.map((v) => v.value.toString().split(':')[0])).size };
  } finally {
    stop.abort();
    await Promise.all(clients.map((c) => c.close()));
    await etcd.stop();
  }
}
// example:end

it('docs/testing.md shows this example exactly', () => {
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const code = source.slice(source.indexOf('// example:start\n') + 17, source.indexOf('// example:end'));
  expect(readFileSync(new URL('../../docs/testing.md', import.meta.url), 'utf8')).toContain(`\`\`\`ts\n${code}\`\`\``);
});

it('docs/testing.md: the leader-elected worker example runs and its outputs never overlap', async () => {
  // testWorkers throws if a leader wrote after a later one.
  const { outputs, leaders } = await testWorkers();
  expect(outputs).toBeGreaterThan(3);
  expect(leaders).toBeGreaterThanOrEqual(1);
}, 120_000);
