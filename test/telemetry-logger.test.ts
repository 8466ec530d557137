import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { rawEtcd, testConfig, uniquePrefix } from './helpers.js';
import { RecordingLogger } from './support/logger.js';

// A logger given to Config.withLogger, against real etcd.

const prefix = uniquePrefix('logger');

describe('withLogger', () => {
  it('logs nothing when all is well', async () => {
    const logger = new RecordingLogger();
    const client = await Client.connect(testConfig().withLogger(logger));
    try {
      await client.put(`${prefix}a`, 'secret-value');
      await client.get(`${prefix}a`);
      const watch = await client.watch(`${prefix}a`);
      await watch.close();
      const lease = (await client.lease(5)).keepAlive();
      const lock = client.newLock(`${prefix}lock`);
      await lock.lock();
      await lock.unlock();
      await lock.close();
      await lease.revoke();
    } finally {
      await client.close();
    }
    expect(logger.lines).toEqual([]);
  });

  it('warns when a kept-alive lease is revoked by another client', async () => {
    const logger = new RecordingLogger();
    const client = await Client.connect(testConfig().withLogger(logger));
    const raw = rawEtcd();
    try {
      const lease = (await client.lease(2)).keepAlive();
      await client.putWithLease(`${prefix}leased`, 'secret-value', lease);
      await raw.leaseClient.leaseRevoke({ ID: BigInt(`0x${lease.id}`).toString(10) });
      const lost = await lease.lost;
      const line = await logger.waitFor((l) => l.fields.event === 'lost');
      expect(line).toMatchObject({ level: 'warn', fields: { leaseId: lease.id, code: lost.code } });
      expect(JSON.stringify(logger.lines)).not.toContain('secret-value');
    } finally {
      raw.close();
      await client.close();
    }
  }, 30_000);
});

describe('a watch across an etcd restart', () => {
  let etcd: EtcdHandle;
  beforeAll(async () => {
    etcd = await startEtcd({ isolated: true });
  }, 60_000);
  afterAll(() => etcd?.stop());

  it('warns when the watch reconnects and tells when it resumed', async () => {
    const logger = new RecordingLogger();
    const client = await Client.connect(
      testConfig()
        .withEndpoints(...etcd.endpoints)
        .withLogger(logger),
    );
    try {
      const watch = await client.watch(`${prefix}w`);
      await etcd.restart();
      const reconnect = await logger.waitFor((l) => l.fields.event === 'reconnect');
      expect(reconnect.level).toBe('warn');
      const resumed = await logger.waitFor((l) => l.fields.event === 'resume');
      expect(resumed.level).toBe('info');
      await client.put(`${prefix}w`, 'after');
      for await (const ev of watch) {
        expect(ev.key).toBe(`${prefix}w`);
        break;
      }
      await watch.close();
    } finally {
      await client.close();
    }
  }, 60_000);
});
