import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Config, type ConnectionEvent } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';

// A single-member etcd restarted while a loop reads from it: the retries
// (default budget) ride out the restart and no error reaches the caller.

let etcd: EtcdHandle;
let client: Client;

beforeAll(async () => {
  etcd = await startEtcd({ members: 1 });
  client = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
}, 60_000);

afterAll(async () => {
  await client?.close();
  await etcd?.stop();
});

describe('a member restarted during a read loop', () => {
  it('reads resume without an error reaching the caller', async () => {
    await client.put('/restart/key', 'value');
    const events: ConnectionEvent[] = [];
    const off = client.onStateChange((e) => events.push(e));
    let restarted = false;
    const restart = etcd.restart(0).then(() => {
      restarted = true;
    });
    let readsAfter = 0;
    const deadline = Date.now() + 30_000;
    // Keep reading until the member is back and has served a few more reads.
    while (readsAfter < 20 && Date.now() < deadline) {
      expect(await client.getString('/restart/key')).toBe('value');
      if (restarted) readsAfter++;
    }
    await restart;
    off();
    expect(readsAfter).toBe(20);
    // The restart was seen: calls were retried, then the client was connected again.
    expect(events.map((e) => e.type)).toContain('reconnecting');
    expect(events.at(-1)?.type).toBe('connected');
    expect(client.connectionState).toBe('connected');
  }, 60_000);
});
