import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd } from '../src/testing/index.js';
import {
  Client,
  ClosedError,
  Config,
  KeyNotFoundError,
  ValidationError,
  ValueTooLargeError,
  type KeyValue,
} from '../src/index.js';
import { connect, rawEtcd, testConfig, uniquePrefix } from './helpers.js';

let client: Client;
let ns: string;

beforeAll(async () => {
  ns = uniquePrefix('kv');
  client = await connect(testConfig().withNamespace(ns));
});
afterAll(() => client.close());

describe('put / get / find / exists / delete', () => {
  it('round-trips strings and bytes, and reads return Buffers', async () => {
    await client.put('s', 'héllo');
    await client.put('b', new Uint8Array([0, 1, 255]));
    expect(await client.getString('s')).toBe('héllo');
    expect(await client.get('b')).toEqual(Buffer.from([0, 1, 255]));
    expect(Buffer.isBuffer(await client.get('s'))).toBe(true);
  });

  it('returns revisions and the previous value on request', async () => {
    const first = await client.put('rev', 'one');
    const second = await client.put('rev', 'two', { prevKV: true });
    expect(second.revision).toBeGreaterThan(first.revision);
    expect(second.previous?.value.toString()).toBe('one');
    expect(second.previous?.modRevision).toBe(first.revision);
    const third = await client.put('rev', 'three');
    expect(third.previous).toBeUndefined();
  });

  it('find returns metadata, or undefined when absent', async () => {
    const { revision } = await client.put('meta', 'v1');
    await client.put('meta', 'v2');
    const kv = (await client.find('meta')) as KeyValue;
    expect(kv).toMatchObject({ key: 'meta', createRevision: revision, version: 2, lease: undefined });
    expect(kv.modRevision).toBeGreaterThan(revision);
    expect(await client.find('nope')).toBeUndefined();
  });

  it('reads a key as it was at a past revision', async () => {
    const { revision } = await client.put('past', 'old');
    await client.put('past', 'new');
    expect(await client.getString('past', { revision })).toBe('old');
    expect((await client.find('past', { revision }))?.version).toBe(1);
  });

  it('get throws KeyNotFoundError with a stable code; getJSON parses', async () => {
    const err = await client.get('missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyNotFoundError);
    expect(err).toMatchObject({ code: 'KEY_NOT_FOUND', key: 'missing', retryable: false });
    await client.put('json', JSON.stringify({ a: [1, 2] }));
    expect(await client.getJSON<{ a: number[] }>('json')).toEqual({ a: [1, 2] });
    await client.put('notjson', '{');
    await expect(client.getJSON('notjson')).rejects.toBeInstanceOf(ValidationError);
  });

  it('exists and delete', async () => {
    await client.put('gone', 'x');
    expect(await client.exists('gone')).toBe(true);
    expect(await client.delete('gone')).toBe(1);
    expect(await client.delete('gone')).toBe(0);
    expect(await client.exists('gone')).toBe(false);
  });
});

describe('namespaces', () => {
  it('prefixes keys on the way in and strips them on the way out', async () => {
    await client.put('dir/a', '1');
    const raw = rawEtcd();
    try {
      expect(await raw.get(`${ns}dir/a`).string()).toBe('1');
    } finally {
      raw.close();
    }
    expect(await client.list('dir/')).toEqual(['dir/a']);
    expect((await client.find('dir/a'))?.key).toBe('dir/a');
  });

  it('{ all: true } covers the namespace only', async () => {
    const other = await connect(testConfig().withNamespace(uniquePrefix('other')));
    try {
      await other.put('x', '1');
      await other.put('y', '2');
      expect(await other.count('', { all: true })).toBe(2);
      expect(await other.deletePrefix('', { all: true })).toBe(2);
      expect(await client.count('', { all: true })).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});

describe('bad input is refused before any request', () => {
  it('refuses empty keys, non-string keys and non-bytes values', async () => {
    await expect(client.put('', 'x')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(client.get('')).rejects.toBeInstanceOf(ValidationError);
    await expect(client.put(42 as unknown as string, 'x')).rejects.toBeInstanceOf(ValidationError);
    await expect(client.put('k', 42 as unknown as string)).rejects.toBeInstanceOf(ValidationError);
    await expect(client.put('k', null as unknown as string)).rejects.toBeInstanceOf(ValidationError);
    expect(await client.exists('k')).toBe(false);
  });

  it('refuses values over the request limit with ValueTooLargeError', async () => {
    const big = Buffer.alloc(client.config.maxRequestBytes, 1);
    const err = await client.put('big', big).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValueTooLargeError);
    expect(err).toMatchObject({ code: 'VALUE_TOO_LARGE', key: 'big', limit: client.config.maxRequestBytes });
    expect(await client.exists('big')).toBe(false);
  });

  it('accepts a value just under the limit', async () => {
    const near = Buffer.alloc(client.config.maxRequestBytes - 200, 2);
    await client.put('near', near);
    expect((await client.get('near')).length).toBe(near.length);
  });

  it('refuses the empty prefix without { all: true }', async () => {
    await expect(client.deletePrefix('')).rejects.toBeInstanceOf(ValidationError);
    await expect(client.list('')).rejects.toBeInstanceOf(ValidationError);
    await expect(client.count('')).rejects.toBeInstanceOf(ValidationError);
    expect(await client.count('', { all: true })).toBeGreaterThan(0);
  });

  it('refuses bad page sizes and revisions', async () => {
    await expect(client.list('dir/', { pageSize: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.get('past', { revision: -3 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('lifecycle', () => {
  it('close is idempotent and later calls fail with ClosedError', async () => {
    const c = await connect();
    await Promise.all([c.close(), c.close()]);
    await c.close();
    await expect(c.exists('/x')).rejects.toBeInstanceOf(ClosedError);
  });

  it('supports Symbol.asyncDispose', async () => {
    const c = await connect();
    await c[Symbol.asyncDispose]();
    await expect(c.put('/x', 'y')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('aborting a call rejects with CancelledError', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(client.get('s', { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('cluster', () => {
  it('revision, status, health and members describe the running etcd', async () => {
    const { revision } = await client.put('cluster/rev', 'x');
    expect(await client.revision()).toBeGreaterThanOrEqual(revision);
    const [s] = await client.status();
    expect(s).toMatchObject({ reachable: true, isLeader: true });
    expect(s!.version).toMatch(/^3\./);
    expect(s!.dbSize).toBeGreaterThan(0);
    const h = await client.health();
    expect(h).toMatchObject({ healthy: true, endpoints: 1, reachable: 1, leader: s!.memberId });
    const m = await client.members();
    expect(m).toHaveLength(1);
    expect(m[0]!.id).toBe(s!.memberId);
  });

  // Compaction affects every reader of a cluster, so it gets an etcd of its own.
  it('compact makes older revisions unreadable with CompactedError', async () => {
    await using etcd = await startEtcd({ isolated: true });
    await using own = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
    const { revision } = await own.put('/c', 'v1');
    await own.put('/c', 'v2');
    await own.compact(revision + 1);
    await expect(own.get('/c', { revision })).rejects.toMatchObject({ code: 'COMPACTED' });
    expect(await own.getString('/c')).toBe('v2');
  });
});
