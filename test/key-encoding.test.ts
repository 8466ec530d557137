import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import { Client, KeyEncodingError, ValidationError, op } from '../src/index.js';
import { connect, rawEtcd, rejection, testConfig, uniquePrefix } from './helpers.js';

// Keys are UTF-8 strings. A key that is not well-formed Unicode has no UTF-8
// form and is refused; a stored key that is not UTF-8 (written by another
// tool) is reported with its bytes rather than turned into a lossy string.

let client: Client;
let raw: Etcd3;
beforeAll(async () => {
  client = await connect();
  raw = rawEtcd();
});
afterAll(async () => {
  await client.close();
  raw.close();
});

describe('keys that are not well-formed Unicode', () => {
  it('are refused before sending, so two lone surrogates never overwrite each other', async () => {
    const p = uniquePrefix('surrogate');
    await expect(client.put(`${p}u-\ud800`, 'alice')).rejects.toThrow(ValidationError);
    await expect(client.put(`${p}u-\udbff`, 'bob')).rejects.toThrow(ValidationError);
    await expect(client.get(`${p}u-\ud800`)).rejects.toThrow(ValidationError);
    await expect(client.list(`${p}\udc00`)).rejects.toThrow(ValidationError);
    expect(await raw.getAll().prefix(p).count()).toBe(0);
    // A surrogate pair is a character like any other.
    await client.put(`${p}u-\u{1f600}`, 'smile');
    expect(await client.list(p)).toEqual([`${p}u-\u{1f600}`]);
  });
});

describe('stored keys that are not UTF-8', () => {
  let p: string;
  let bad: Buffer[];
  beforeAll(async () => {
    p = uniquePrefix('nonutf8');
    // Two distinct keys that would both decode to `${p}k-\uFFFD`.
    bad = [0xfe, 0xff].map((b) => Buffer.concat([Buffer.from(`${p}k-`), Buffer.from([b])]));
    for (const k of bad) await raw.put(k).value('raw');
    await client.put(`${p}ok`, 'fine');
  });

  const badKey = (err: unknown) => {
    expect(err).toBeInstanceOf(KeyEncodingError);
    const e = err as KeyEncodingError;
    expect(e.code).toBe('KEY_ENCODING');
    expect(bad.some((b) => b.equals(e.key))).toBe(true);
    expect(e.message).toContain(e.key.toString('hex'));
  };

  it('fail list, listWithValues, iterate and getRange with KeyEncodingError naming the bytes', async () => {
    badKey(await rejection(client.list(p)));
    badKey(await rejection(client.listWithValues(p)));
    badKey(
      await rejection(
        (async () => {
          for await (const _ of client.iterate(p)) void _;
        })(),
      ),
    );
    badKey(await rejection(client.getRange(`${p}k-`, `${p}l`)));
  });

  it('fail a transaction read and a mirror that meet them, and are still counted', async () => {
    badKey(
      await rejection(
        client
          .txn()
          .onSuccess(op.getPrefix(`${p}k-`))
          .commit(),
      ),
    );
    expect(await client.count(p)).toBe(3);
    // A mirror's first listing meets them too.
    badKey(await rejection(client.mirror(p)));
    // Keys around them stay readable.
    expect((await client.get(`${p}ok`)).toString()).toBe('fine');
  });

  it('fail a watch that sees one with KeyEncodingError (not a merged or lossy event)', async () => {
    const w = await client.watchPrefix(`${p}w/`);
    const key = Buffer.concat([Buffer.from(`${p}w/`), Buffer.from([0xc3])]);
    await raw.put(key).value('x');
    const err = await rejection(
      (async () => {
        for await (const _ of w) void _;
      })(),
    );
    expect(err).toBeInstanceOf(KeyEncodingError);
    expect((err as KeyEncodingError).key).toEqual(key);
    await w.close();
  });
});

describe("stored keys that are not UTF-8, read with invalidKeys: 'escape'", () => {
  it('are listed, iterated, ranged and watched with each invalid byte as \\xHH, and deleted with escapedKey', async () => {
    const p = uniquePrefix('escape');
    const scoped = await Client.connect(testConfig().withNamespace(p));
    try {
      const first = await raw.put(Buffer.concat([Buffer.from(`${p}k-`), Buffer.from([0xfe, 0x41])])).value('a');
      await raw.put(Buffer.concat([Buffer.from(`${p}k-\u20ac`), Buffer.from([0xe2, 0x82])])).value('b');
      await scoped.put('ok', 'c');
      // In byte order: € is e2 82 ac, before fe.
      const keys = ['k-\u20ac\\xe2\\x82', 'k-\\xfeA', 'ok'];
      expect(await scoped.list('', { all: true, invalidKeys: 'escape' })).toEqual(keys);
      const iterated: string[] = [];
      for await (const kv of scoped.iterate('k-', { invalidKeys: 'escape', pageSize: 1 })) iterated.push(kv.key);
      expect(iterated).toEqual(keys.slice(0, 2));
      expect((await scoped.getRange('k', 'l', { invalidKeys: 'escape' })).map((kv) => kv.key)).toEqual(
        keys.slice(0, 2),
      );
      const w = await scoped.watchPrefix('k-', { fromRevision: Number(first.header.revision), invalidKeys: 'escape' });
      const seen: string[] = [];
      for await (const ev of w) if (seen.push(ev.key) === 2) break;
      expect(seen).toEqual([keys[1], keys[0]]);
      await expect(scoped.list('', { all: true, invalidKeys: 'skip' as never })).rejects.toThrow(ValidationError);
      expect(await scoped.delete(keys[1]!, { escapedKey: true })).toBe(1);
      expect(await scoped.delete(keys[0]!, { escapedKey: true, prevKV: true })).toMatchObject({
        deleted: 1,
        previous: { key: keys[0], value: Buffer.from('b') },
      });
      expect(await scoped.list('', { all: true })).toEqual(['ok']);
    } finally {
      await scoped.close();
      await raw.delete().prefix(p);
    }
  });
});

describe('a raw key equal to the namespace itself', () => {
  it('is left out of listings, counts and prefix deletes (it would be the key "", which no call accepts)', async () => {
    const ns = uniquePrefix('nskey');
    const scoped = await Client.connect(testConfig().withNamespace(ns));
    try {
      await raw.put(ns).value('bare');
      await scoped.put('a', '1');
      expect(await scoped.list('', { all: true })).toEqual(['a']);
      expect([...(await scoped.listWithValues('', { all: true })).keys()]).toEqual(['a']);
      expect((await scoped.getRange('', '')).map((kv) => kv.key)).toEqual(['a']);
      expect(await scoped.count('', { all: true })).toBe(1);
      expect(await scoped.deletePrefix('', { all: true })).toBe(1);
      expect(await raw.get(ns).string()).toBe('bare');
    } finally {
      await scoped.close();
      await raw.delete().key(ns);
    }
  });
});
