import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Config, EtcdKitError, ValidationError } from '../src/index.js';
import { startEtcd } from '../src/testing/index.js';
import { connect, endpoints, testConfig, uniquePrefix } from './helpers.js';
import { eventually } from './waits.js';

// Serializable reads, Go's OpGet range options, deletes with prevKV and
// getMany, checked against etcd itself and against `etcdctl get`.

const run = promisify(execFile);

/** The keys `etcdctl get` returns for `args` (JSON output, base64 keys decoded). */
async function etcdctlKeys(args: string[]): Promise<string[]> {
  const { stdout } = await run('/usr/bin/etcdctl', [
    `--endpoints=${endpoints().join(',')}`,
    'get',
    ...args,
    '--write-out=json',
  ]);
  const out = JSON.parse(stdout) as { kvs?: { key: string }[] };
  return (out.kvs ?? []).map((kv) => Buffer.from(kv.key, 'base64').toString('utf8'));
}

let client: Client;
let prefix: string;
let revs: number[];

beforeAll(async () => {
  client = await connect(testConfig().withReadBatching(false));
  prefix = uniquePrefix('range-opts');
  revs = [];
  // Keys whose key order, value order, version order and revision order all differ.
  const plan: Array<[string, string]> = [
    ['c', 'z'],
    ['a', 'm'],
    ['e', 'b'],
    ['b', 'y'],
    ['d', 'a'],
    ['a', 'n'],
    ['c', 'q'],
  ];
  for (const [k, v] of plan) revs.push((await client.put(`${prefix}${k}`, v)).revision);
});

afterAll(async () => {
  await client?.deletePrefix(prefix);
  await client?.close();
});

describe('range options, as etcdctl get has them', () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    [
      'sort by modRevision descending, limit 3',
      { sort: { target: 'modRevision', order: 'descend' }, limit: 3 },
      ['--sort-by=MODIFY', '--order=DESCEND', '--limit=3'],
    ],
    [
      'sort by createRevision ascending',
      { sort: { target: 'createRevision' } },
      ['--sort-by=CREATE', '--order=ASCEND'],
    ],
    [
      'sort by value descending',
      { sort: { target: 'value', order: 'descend' } },
      ['--sort-by=VALUE', '--order=DESCEND'],
    ],
    ['sort by key descending', { sort: { target: 'key', order: 'descend' } }, ['--sort-by=KEY', '--order=DESCEND']],
    ['limit 2', { limit: 2 }, ['--limit=2']],
  ];
  for (const [name, options, flags] of cases) {
    it(`${name}: getRange matches etcdctl`, async () => {
      const ours = (await client.getRange(`${prefix}`, `${prefix}~`, options)).map((kv) => kv.key);
      const theirs = await etcdctlKeys([prefix, `${prefix}~`, ...flags]);
      expect(ours).toEqual(theirs);
      expect(ours.length).toBeGreaterThan(0);
    });
  }

  it('key-descending paging with a small page size still matches etcdctl, in list and iterate', async () => {
    const options = { sort: { target: 'key', order: 'descend' } as const, pageSize: 2 };
    const theirs = await etcdctlKeys([prefix, '--prefix', '--sort-by=KEY', '--order=DESCEND']);
    expect(await client.list(prefix, options)).toEqual(theirs);
    const iterated: string[] = [];
    for await (const kv of client.iterate(prefix, options)) iterated.push(kv.key);
    expect(iterated).toEqual(theirs);
  });

  it('revision filters keep what etcd keeps (paged, with a limit)', async () => {
    const [min, max] = [revs[3]!, revs[3]!];
    const got = await client.list(prefix, { minModRevision: min, maxCreateRevision: max, pageSize: 1, limit: 10 });
    const all = await client.getRange(prefix, `${prefix}~`);
    const expected = all.filter((kv) => kv.modRevision >= min && kv.createRevision <= max).map((kv) => kv.key);
    expect(got).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
  });

  it('limit over paging stops after n keys; listWithValues decodes them', async () => {
    const values = await client.listWithValues(prefix, { limit: 3, pageSize: 2 });
    expect([...values.keys()]).toEqual(await etcdctlKeys([prefix, '--prefix', '--limit=3']));
  });

  it('refuses what etcd cannot page, before sending', async () => {
    await expect(client.list(prefix, { sort: { target: 'value' }, pageSize: 10 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(client.list(prefix, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.list(prefix, { sort: { target: 'size' as never } })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.list(prefix, { minModRevision: -1 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('getMany', () => {
  it('returns what etcdctl sees, missing keys absent, at one revision', async () => {
    const keys = ['a', 'b', 'nope', 'e'].map((k) => `${prefix}${k}`);
    const got = await client.getMany(keys);
    expect([...got.keys()].sort()).toEqual((await etcdctlKeys([prefix, '--prefix'])).filter((k) => keys.includes(k)));
    expect(got.get(`${prefix}a`)?.value.toString()).toBe('n');
    expect(got.has(`${prefix}nope`)).toBe(false);
    expect(got.revisions).toHaveLength(1);
  });

  it('reads more keys than one transaction holds, still at one revision', async () => {
    const p = uniquePrefix('many');
    await client.bulkPut(Array.from({ length: 300 }, (_, i) => [`${p}${i}`, `v${i}`] as [string, string]));
    const got = await client.getMany(Array.from({ length: 310 }, (_, i) => `${p}${i}`));
    expect(got.size).toBe(300);
    expect(got.get(`${p}299`)?.value.toString()).toBe('v299');
    expect(got.revisions).toHaveLength(1);
    await client.deletePrefix(p);
  });
});

describe('deletes with prevKV', () => {
  it('return the removed values, decrypted under encryption', async () => {
    const key = randomBytes(32);
    const enc = await Client.connect(testConfig().withEncryption(key));
    const p = uniquePrefix('prevkv');
    try {
      await enc.put(`${p}one`, 'secret-1');
      await enc.put(`${p}two`, 'secret-2');
      await enc.put(`${p}three`, 'secret-3');
      const one = await enc.delete(`${p}one`, { prevKV: true });
      expect(one.deleted).toBe(1);
      expect(one.previous?.value.toString()).toBe('secret-1');
      expect(await enc.delete(`${p}one`, { prevKV: true })).toEqual({
        deleted: 0,
        previous: undefined,
        undecodable: 0,
      });
      expect(await enc.delete(`${p}none`)).toBe(0);
      const rest = await enc.deletePrefix(p, { prevKV: true });
      expect(rest.deleted).toBe(2);
      expect(rest.previous.map((kv) => [kv.key, kv.value.toString()])).toEqual([
        [`${p}three`, 'secret-3'],
        [`${p}two`, 'secret-2'],
      ]);
      expect(await enc.deletePrefix(p)).toBe(0);
    } finally {
      await enc.close();
    }
  });
});

describe('serializable reads on a member that lost quorum', () => {
  it('answer from the remaining member; linearizable ones fail with a typed error', async () => {
    await using etcd = await startEtcd({ members: 3 });
    const setup = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
    await setup.put('/q/key', 'before');
    await setup.close();
    // Wait until member 0 has applied the write, then cut its peers.
    const lone = await Client.connect(
      Config.defaults().withEndpoints(etcd.members[0]!.endpoint).withTimeout(1500).withRetry(false),
    );
    try {
      expect(await lone.getString('/q/key', { consistency: 'serializable' })).toBe('before');
      await etcd.kill(1);
      await etcd.kill(2);
      expect(await lone.getString('/q/key', { consistency: 'serializable' })).toBe('before');
      expect(await lone.count('/q/', { consistency: 'serializable' })).toBe(1);
      expect(await lone.list('/q/', { consistency: 'serializable' })).toEqual(['/q/key']);
      expect((await lone.getMany(['/q/key'], { consistency: 'serializable' })).size).toBe(1);
      // Once the member knows it has no leader, a stream carrying `hasleader` is refused: history's is not.
      await eventually(30_000, async () => expect((await lone.status())[0]?.leader).toBe('0'));
      const history = await lone.history('/q/key', { consistency: 'serializable' });
      expect(history.map((v) => v.value.toString())).toEqual(['before']);
      const err = await lone.getString('/q/key').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EtcdKitError);
      expect((err as EtcdKitError).code).toMatch(/TIMEOUT|UNAVAILABLE|SERVER_ERROR/); // deadline, no leader, or etcd's own read-index timeout
      const serial = await Client.connect(
        Config.defaults().withEndpoints(etcd.members[0]!.endpoint).withReadConsistency('serializable'),
      );
      expect(await serial.exists('/q/key')).toBe(true);
      await serial.close();
    } finally {
      await lone.close();
    }
  }, 90_000);

  it('Config.withReadConsistency validates', () => {
    expect(() => Config.defaults().withReadConsistency('strong' as never)).toThrow(/readConsistency/);
    expect(Config.defaults().readConsistency).toBe('linearizable');
  });
});

describe('watch.requestProgress', () => {
  it('resolves to a revision at or past every write made before it, also writes outside the watched range', async () => {
    const p = uniquePrefix('progress');
    await using watch = await client.watch(`${p}a`);
    const { revision: inside } = await client.put(`${p}a`, '1');
    const { revision: outside } = await client.put(`${p.slice(0, -1)}-elsewhere`, 'x');
    const current = await watch.requestProgress();
    expect(current).toBeGreaterThanOrEqual(outside);
    expect(outside).toBeGreaterThan(inside);
    await client.delete(`${p.slice(0, -1)}-elsewhere`);
  });

  it('rejects once the watch is closed', async () => {
    const watch = await client.watch(uniquePrefix('progress-closed'));
    await watch.close();
    await expect(watch.requestProgress()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
