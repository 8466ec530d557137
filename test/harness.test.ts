import { describe, expect, it } from 'vitest';
import { Client, Config } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';

describe('startEtcd', () => {
  it('restart keeps the data dir; kill stops the member', async () => {
    await using etcd = await startEtcd({ isolated: true });
    expect(etcd.source).not.toBe('env');
    const config = Config.defaults()
      .withEndpoints(...etcd.endpoints)
      .withDialTimeout(1000)
      .withTimeout(1000);
    {
      await using client = await Client.connect(config);
      await client.put('/kept', 'yes');
    }
    await etcd.kill();
    await expect(Client.connect(config)).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
    // Pausing a member that is not running would stall nothing: it is refused.
    await expect(etcd.pause(0)).rejects.toThrow(/member m0 is not running/);
    await etcd.restart();
    await using client = await Client.connect(config);
    expect(await client.getString('/kept')).toBe('yes');
    // One member has no peers to be cut off from.
    await expect(etcd.partition(0)).rejects.toThrow(/more than one member/);
  });

  it('pause freezes a member without closing its connections; resume lets it answer again; stop ends a paused member', async () => {
    const etcd = await startEtcd({ isolated: true });
    try {
      const config = Config.defaults()
        .withEndpoints(...etcd.endpoints)
        .withRetry({ maxAttempts: 1 });
      await using client = await Client.connect(config);
      await client.put('/paused', 'before');
      await etcd.pause(0);
      await expect(client.get('/paused', { timeoutMs: 500 })).rejects.toMatchObject({ code: 'TIMEOUT' });
      await etcd.resume();
      expect(await client.getString('/paused')).toBe('before');
      await expect(etcd.pause(7)).rejects.toThrow(/no member 7/);
      await etcd.pause();
    } finally {
      // A paused member must still stop (SIGTERM is held until SIGCONT).
      await etcd.stop();
    }
  });

  it('starts a 3-member cluster that elects a new leader when the leader is killed', async () => {
    await using etcd = await startEtcd({ members: 3 });
    expect(etcd.endpoints).toHaveLength(3);
    const leader = await etcd.leader();
    expect(leader).toBeGreaterThanOrEqual(0);
    await using client = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
    expect(await client.members()).toHaveLength(3);
    await etcd.kill(leader);
    let next = -1;
    for (let i = 0; i < 100 && (next < 0 || next === leader); i++) {
      await new Promise((r) => setTimeout(r, 100));
      next = await etcd.leader();
    }
    expect(next).toBeGreaterThanOrEqual(0);
    expect(next).not.toBe(leader);
  });

  it('addMember starts a new member process that joins the running cluster; stop cleans it up', async () => {
    const etcd = await startEtcd({ members: 1, quotaBackendBytes: 64 * 1024 * 1024 });
    try {
      const joined = await etcd.addMember({ learner: true });
      expect(etcd.endpoints).toEqual([etcd.members[0]!.endpoint, joined.endpoint]);
      await using client = await Client.connect(Config.defaults().withEndpoints(etcd.endpoints[0]!));
      const list = await client.members();
      expect(list.map((m) => [m.name, m.isLearner])).toEqual(
        expect.arrayContaining([
          ['m0', false],
          [joined.name, true],
        ]),
      );
    } finally {
      await etcd.stop();
    }
    // Every member process, the added one included, is gone.
    await expect(
      Client.connect(
        Config.defaults()
          .withEndpoints(...etcd.endpoints)
          .withDialTimeout(500),
      ),
    ).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
    });
  });
});
