import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import { CancelledError, type Client, LockLostError, type KeyValue } from '../src/index.js';
import { connect, endpoints, rawEtcd, testConfig, uniquePrefix } from './helpers.js';
import { eventually, stillPending, within } from './waits.js';

let client: Client;
let other: Client;
let raw: Etcd3;
let ns: string;

beforeAll(async () => {
  ns = uniquePrefix('election');
  client = await connect(testConfig().withNamespace(ns));
  other = await connect(testConfig().withNamespace(ns));
  raw = rawEtcd();
});
afterAll(async () => {
  await Promise.all([client.close(), other.close()]);
  raw.close();
});

/** Collects what `observe()` reports until stopped. */
function collect(iterable: AsyncIterable<KeyValue>): { values: string[]; done: Promise<void> } {
  const values: string[] = [];
  const done = (async () => {
    for await (const leader of iterable) values.push(leader.value.toString());
  })();
  return { values, done };
}

describe('Election', () => {
  it('two campaigners, one leader; when it resigns the other leads; observe() reports both', async () => {
    await using e1 = client.election('resign');
    await using e2 = other.election('resign');
    const watcher = client.election('resign');
    const controller = new AbortController();
    const seen = collect(watcher.observe({ signal: controller.signal }));

    await e1.campaign('alpha');
    expect(e1.isLeader()).toBe(true);
    const second = e2.campaign('beta');
    expect(await stillPending(second)).toBe(true);
    expect(e2.isLeader()).toBe(false);
    expect((await e2.leader())?.value.toString()).toBe('alpha');

    await e1.proclaim('alpha-2');
    await expect(e2.proclaim('nope')).rejects.toBeInstanceOf(LockLostError);
    await e1.resign();
    expect(e1.isLeader()).toBe(false);
    await within(3_000, second);
    expect(e2.isLeader()).toBe(true);
    expect((await e1.leader())?.value.toString()).toBe('beta');

    await eventually(3_000, () => expect(seen.values).toEqual(['alpha', 'alpha-2', 'beta']));
    controller.abort();
    await expect(within(3_000, seen.done)).rejects.toBeInstanceOf(CancelledError);
    await watcher.close();
  });

  it('when the leader session dies the other leads, and the old leader is told', async () => {
    const session = await client.session({ ttl: 3 });
    await using e1 = client.election('dies', { session });
    await using e2 = other.election('dies');
    const seen = collect(e2.observe());
    await e1.campaign('first');
    const second = e2.campaign('second');
    await eventually(3_000, async () => expect(await client.count('dies/')).toBe(2));
    await raw.leaseClient.leaseRevoke({ ID: BigInt(`0x${session.id}`).toString() });
    expect(await within(4_000, e1.lost)).toBeInstanceOf(LockLostError);
    await within(3_000, second);
    expect((await e2.leader())?.value.toString()).toBe('second');
    await eventually(3_000, () => expect(seen.values).toEqual(['first', 'second']));
    await e2.close(); // closing the handle ends its observe() quietly
    await within(3_000, seen.done);
  });

  it('leader() is undefined with no candidate; observe() waits for the first one', async () => {
    await using e1 = client.election('empty');
    expect(await e1.leader()).toBeUndefined();
    const controller = new AbortController();
    const iterator = e1.observe({ signal: controller.signal })[Symbol.asyncIterator]();
    const first = iterator.next();
    expect(await stillPending(first)).toBe(true);
    await using e2 = other.election('empty');
    await e2.campaign('late');
    expect((await within(3_000, first)).value?.value.toString()).toBe('late');
    await iterator.return?.();
  });

  it('uses Go keys: etcdctl elect --listen sees our leader', async () => {
    const session = await client.session({ ttl: 10 });
    await using e = client.election('go', { session });
    await e.campaign('from-node');
    const kv = (await e.leader())!;
    expect(kv.key).toBe(`go/${session.id}`);
    // `elect -l` prints the leader key then its value, and keeps listening: bound it with a timeout.
    const run = promisify(execFile)(
      '/usr/bin/etcdctl',
      [`--endpoints=${endpoints().join(',')}`, 'elect', '-l', `${ns}go`],
      {
        timeout: 1_500,
      },
    );
    const output = await run.then(
      (r) => r.stdout,
      (err: { stdout?: string }) => err.stdout ?? '',
    );
    expect(output.split('\n').slice(0, 2)).toEqual([`${ns}go/${session.id}`, 'from-node']);
    await session.close();
  });
});
