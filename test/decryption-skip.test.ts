/**
 * Under encryption, one value written without it (here by a plain etcd3
 * client) into a watched prefix: by default every watch and mirror on it
 * stops; with `onDecryptionError: 'skip'` they drop it, count it and go on.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import {
  DecryptionError,
  ValidationError,
  type Client,
  type MirrorChange,
  type Watch,
  type WatchEvent,
} from '../src/index.js';
import { connect, rawEtcd, testConfig, uniquePrefix } from './helpers.js';

const key = randomBytes(32);
let ns: string;
let c: Client;
let raw: Etcd3;

beforeAll(async () => {
  ns = uniquePrefix('enc-skip');
  c = await connect(testConfig().withNamespace(ns).withEncryption(key));
  raw = rawEtcd();
});
afterAll(async () => {
  await c.close();
  raw.close();
});

/** Writes `value` under the client's namespace without encryption, as another tool would. */
const plaintext = (k: string, value = 'not encrypted') => raw.put(`${ns}${k}`).value(value);

/** The first `n` items of an async iterable; fails if they do not come within 15 s. */
async function first<T>(source: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  const timeout = AbortSignal.timeout(15_000);
  for await (const item of source) {
    out.push(item);
    if (out.length === n || timeout.aborted) break;
  }
  return out;
}

describe("onDecryptionError: 'fail' (the default)", () => {
  it('one plaintext value stops a watch and a mirror of the prefix, and new mirrors fail', async () => {
    await using watch = await c.watchPrefix('f/');
    await using mirror = await c.mirror('f/');
    await plaintext('f/evil');
    await expect(watch.done).rejects.toBeInstanceOf(DecryptionError);
    await expect(mirror.done).rejects.toBeInstanceOf(DecryptionError);
    await expect(c.mirror('f/')).rejects.toBeInstanceOf(DecryptionError);
  });
});

describe("onDecryptionError: 'skip'", () => {
  it('a watch skips the undecodable event, counts it and delivers the others', async () => {
    // A Watch: this client has no partitions.
    await using watch = (await c.watchPrefix('w/', { onDecryptionError: 'skip' })) as Watch;
    await c.put('w/a', 'one');
    await plaintext('w/evil');
    await c.put('w/b', 'two');
    const events = (await first(watch, 2)) as WatchEvent[];
    expect(events.map((e) => [e.key, e.value.toString()])).toEqual([
      ['w/a', 'one'],
      ['w/b', 'two'],
    ]);
    expect(watch.skipped).toBe(1);
  });

  it('a mirror opens despite a plaintext key, and drops a key overwritten in plaintext', async () => {
    await plaintext('m/evil');
    await c.put('m/good', 'kept');
    await c.put('m/victim', 'secret');
    await using mirror = await c.mirror('m/', { onDecryptionError: 'skip' });
    expect([...mirror.entries().keys()]).toEqual(['m/good', 'm/victim']);
    expect(mirror.skipped).toBe(1);
    const changes = mirror[Symbol.asyncIterator]();
    await plaintext('m/victim');
    const last = await c.put('m/after', 'applied');
    await mirror.waitForRevision(last.revision, { signal: AbortSignal.timeout(15_000) });
    expect([...mirror.entries().keys()]).toEqual(['m/after', 'm/good']);
    expect(mirror.skipped).toBe(2);
    // The dropped key is not reported as a change: the next change is the put after it.
    const next = (await changes.next()).value as MirrorChange;
    expect(next).toMatchObject({ type: 'put', key: 'm/after' });
    await changes.return?.();
    await expect(Promise.race([mirror.done.then(() => 'ended'), Promise.resolve('running')])).resolves.toBe('running');
  });

  it("anything but 'fail' or 'skip' is refused before a watch or mirror is opened", async () => {
    const wrong = { onDecryptionError: 'ignore' as 'skip' };
    await expect(c.watchPrefix('v/', wrong)).rejects.toBeInstanceOf(ValidationError);
    await expect(c.mirror('v/', wrong)).rejects.toBeInstanceOf(ValidationError);
  });
});
