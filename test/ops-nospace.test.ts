import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Config, QuotaExceededError } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { runCli } from './support/cli.js';

// A single member with a 2 MiB backend quota, filled until etcd raises NOSPACE.

const QUOTA = 2 * 1024 * 1024;
let etcd: EtcdHandle;
let client: Client;

beforeAll(async () => {
  etcd = await startEtcd({ quotaBackendBytes: QUOTA });
  client = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
}, 60_000);

afterAll(async () => {
  await client?.close();
  await etcd?.stop();
});

/** Overwrites a few keys with 64 KiB values until a write fails; returns that failure. */
async function fill(prefix: string): Promise<unknown> {
  for (let i = 0; i < 400; i++) {
    try {
      await client.put(`${prefix}${i % 4}`, randomBytes(64 * 1024));
    } catch (err) {
      return err;
    }
  }
  throw new Error('the quota was never reached');
}

const cli = (args: string[]) => runCli(args, { endpoints: etcd.endpoints });

describe('recovery from a full database (NOSPACE)', () => {
  it('with the SDK: alarms, compact, defragmentAll and disarm make writes succeed again', async () => {
    const failure = await fill('/full/sdk/');
    expect(failure).toBeInstanceOf(QuotaExceededError);
    const [member] = await client.members();
    expect(await client.maintenance.alarms()).toEqual([{ memberId: member!.id, alarm: 'NOSPACE' }]);
    // Still refused while the alarm is raised, even after freeing space.
    await client.compact(await client.revision());
    await expect(client.put('/full/sdk/after', 'x')).rejects.toBeInstanceOf(QuotaExceededError);

    const progress: string[] = [];
    const results = await client.maintenance.defragmentAll({
      onProgress: (p) => progress.push(`${p.phase} ${p.endpoint}`),
    });
    expect(results).toHaveLength(1);
    expect(results[0]!.skipped).toBe(false);
    expect(results[0]!.dbSizeAfter).toBeLessThan(results[0]!.dbSizeBefore);
    expect(progress).toEqual([`start ${etcd.endpoints[0]}`, `done ${etcd.endpoints[0]}`]);

    expect(await client.maintenance.disarm()).toEqual([{ memberId: member!.id, alarm: 'NOSPACE' }]);
    expect(await client.maintenance.alarms()).toEqual([]);
    await client.put('/full/sdk/after', 'x');
    expect(await client.getString('/full/sdk/after')).toBe('x');
  });

  it('with the CLI: alarm list, defrag --all and alarm disarm', async () => {
    const failure = await fill('/full/cli/');
    expect(failure).toBeInstanceOf(QuotaExceededError);
    const [member] = await client.members();

    const listed = await cli(['alarm', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([{ memberId: member!.id, alarm: 'NOSPACE' }]);
    const text = await cli(['alarm', 'list']);
    expect(text.stdout).toContain(`memberID:${member!.id}, alarm:NOSPACE`);

    await client.compact(await client.revision());
    const defrag = await cli(['defrag', '--all', '--json']);
    expect(defrag.code).toBe(0);
    const [result] = JSON.parse(defrag.stdout) as Array<{ dbSizeBefore: number; dbSizeAfter: number }>;
    expect(result!.dbSizeAfter).toBeLessThan(result!.dbSizeBefore);

    const disarm = await cli(['alarm', 'disarm', '--json']);
    expect(disarm.code).toBe(0);
    expect(JSON.parse(disarm.stdout)).toEqual([{ memberId: member!.id, alarm: 'NOSPACE' }]);
    expect(JSON.parse((await cli(['alarm', 'list', '--json'])).stdout)).toEqual([]);
    await client.put('/full/cli/after', 'x');
    expect(await client.getString('/full/cli/after')).toBe('x');
  });
});
