import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError,
  type Client,
  ValidationError,
  type MirrorChange,
  type WatchEvent,
  type Watch,
} from '../src/index.js';
import { connect, testConfig, uniquePrefix } from './helpers.js';

/** What `watchPrefix` gives: a {@link Watch} here (this client has no partitions). */
type PrefixWatch = Awaited<ReturnType<Client['watchPrefix']>>;
const single = (w: PrefixWatch): Watch => w as Watch;

let client: Client;

beforeAll(async () => {
  client = await connect(testConfig().withNamespace(uniquePrefix('watch')));
});
afterAll(() => client.close());

/** Takes `n` events from a watch, failing after `ms`. */
async function take(watch: PrefixWatch, n: number, ms = 10_000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const timer = setTimeout(() => void watch.close(), ms);
  for await (const ev of watch) {
    out.push(ev);
    if (out.length === n) break;
  }
  clearTimeout(timer);
  if (out.length < n) throw new Error(`got ${out.length} of ${n} events within ${ms} ms`);
  return out;
}

describe('watch', () => {
  it('delivers puts and deletes with decoded values, keys without namespace, and previous values', async () => {
    const watch = await client.watchPrefix('/w1/', { prevKV: true });
    const a = await client.put('/w1/a', 'one');
    const b = await client.put('/w1/a', 'two');
    await client.put('/elsewhere', 'x');
    await client.delete('/w1/a');
    const [put1, put2, del] = await take(watch, 3);
    expect(put1).toMatchObject({
      type: 'put',
      key: '/w1/a',
      modRevision: a.revision,
      createRevision: a.revision,
      version: 1,
    });
    expect(put1?.value.toString()).toBe('one');
    expect(put1?.previous).toBeUndefined();
    expect(put2).toMatchObject({ type: 'put', modRevision: b.revision, version: 2 });
    expect(put2?.previous?.value.toString()).toBe('one');
    expect(del).toMatchObject({ type: 'delete', key: '/w1/a', version: 0 });
    expect(del?.value.length).toBe(0);
    expect(del?.previous?.value.toString()).toBe('two');
  });

  it('watches a single key only, and filters by type', async () => {
    const one = await client.watch('/w2/k');
    const deletes = await client.watchPrefix('/w2/', { types: ['delete'] });
    await client.put('/w2/k2', 'other');
    await client.put('/w2/k', 'v');
    await client.delete('/w2/k');
    expect((await take(one, 2)).map((e) => `${e.type} ${e.key}`)).toEqual(['put /w2/k', 'delete /w2/k']);
    expect((await take(deletes, 1)).map((e) => `${e.type} ${e.key}`)).toEqual(['delete /w2/k']);
  });

  it('replays history from an old revision, then continues live', async () => {
    const first = await client.put('/w3/k', '1');
    await client.put('/w3/k', '2');
    await client.delete('/w3/k');
    const watch = await client.watchPrefix('/w3/', { fromRevision: first.revision });
    const live = await client.put('/w3/k', '3');
    const events = await take(watch, 4);
    expect(events.map((e) => `${e.type}:${e.value.toString()}`)).toEqual(['put:1', 'put:2', 'delete:', 'put:3']);
    expect(events[0]?.modRevision).toBe(first.revision);
    expect(events[3]?.modRevision).toBe(live.revision);
    expect(single(watch).revision).toBeGreaterThanOrEqual(live.revision);
  });

  it('delivers to a callback, and refuses a second consumer', async () => {
    const seen: string[] = [];
    let resolveTwo: () => void;
    const two = new Promise<void>((r) => (resolveTwo = r));
    const watch = await client.watch('/w4/k', {
      callback: async (ev) => {
        seen.push(ev.value.toString());
        if (seen.length === 2) resolveTwo();
      },
    });
    await expect(watch[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(ValidationError);
    await client.put('/w4/k', 'a');
    await client.put('/w4/k', 'b');
    await two;
    expect(seen).toEqual(['a', 'b']);
    await watch.close();
    await watch.close();
    await expect(watch.done).resolves.toBeUndefined();
  });

  it('a failing callback ends the watch with its error', async () => {
    const boom = new Error('boom');
    const watch = await client.watch('/w5/k', {
      callback: () => {
        throw boom;
      },
    });
    await client.put('/w5/k', 'x');
    await expect(watch.done).rejects.toBe(boom);
  });

  it('aborting the signal ends iteration with CancelledError', async () => {
    const controller = new AbortController();
    const watch = await client.watch('/w6/k', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(take(watch, 1)).rejects.toBeInstanceOf(CancelledError);
  });

  it('a slow consumer gets every event in order with a tiny buffer (backpressure)', async () => {
    const watch = await client.watchPrefix('/w7/', { bufferSize: 4 });
    const revisions: number[] = [];
    for (let i = 0; i < 300; i++) revisions.push((await client.put(`/w7/${i % 7}`, `v${i}`)).revision);
    // Each live event arrives in its own response, so the buffer holds at most the bound plus one.
    await client.put('/w7-fence', 'x');
    expect(single(watch).pending).toBeGreaterThan(0);
    expect(single(watch).pending).toBeLessThanOrEqual(5);
    const events = await take(watch, 300, 20_000);
    expect(events.map((e) => e.modRevision)).toEqual(revisions);
    expect(events.map((e) => e.value.toString())).toEqual(revisions.map((_, i) => `v${i}`));
  });

  it('reassembles a revision larger than one message (a 5 MB range delete with previous values)', async () => {
    const big = 'x'.repeat(50_000);
    await client.bulkPut(
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`/w8/k${String(i).padStart(3, '0')}`, big])),
    );
    const watch = await client.watchPrefix('/w8/', { prevKV: true });
    expect(await client.deletePrefix('/w8/')).toBe(100);
    const events = await take(watch, 100);
    expect(new Set(events.map((e) => e.modRevision)).size).toBe(1);
    expect(events.every((e) => e.type === 'delete' && e.previous?.value.length === big.length)).toBe(true);
  });

  it('rejects bad options before contacting the server', async () => {
    await expect(client.watch('', {})).rejects.toBeInstanceOf(ValidationError);
    await expect(client.watchPrefix('')).rejects.toBeInstanceOf(ValidationError);
    await expect(client.watch('/k', { fromRevision: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.watch('/k', { types: ['nope' as 'put'] })).rejects.toBeInstanceOf(ValidationError);
  });

  it('closing the client closes its watches', async () => {
    const other = await connect(testConfig().withNamespace(uniquePrefix('watch-close')));
    const watch = await other.watch('/k');
    await other.close();
    await expect(watch.done).resolves.toBeUndefined();
  });
});

describe('under encryption', () => {
  it('watch events, previous values, history and mirrors are decrypted; deletes carry no value', async () => {
    const key = randomBytes(32).toString('hex');
    const ns = uniquePrefix('watch-enc');
    await using secret = await connect(testConfig().withNamespace(ns).withEncryption(key));
    await using plain = await connect(testConfig().withNamespace(ns));
    await using mirror = await secret.mirror('/e/');
    const watch = await secret.watchPrefix('/e/', { prevKV: true });
    await secret.put('/e/k', 'first');
    const second = await secret.put('/e/k', 'second');
    await secret.delete('/e/k');
    const [a, b, c] = await take(watch, 3);
    expect([
      a?.value.toString(),
      b?.value.toString(),
      b?.previous?.value.toString(),
      c?.type,
      c?.previous?.value.toString(),
    ]).toEqual(['first', 'second', 'first', 'delete', 'second']);
    expect((await plain.get('/e/k', { revision: second.revision })).toString()).not.toContain('second');
    expect((await secret.history('/e/k')).map((v) => v.value.toString())).toEqual(['first', 'second', '']);
    const last = await secret.put('/e/m', 'mirrored');
    await mirror.waitForRevision(last.revision, { signal: AbortSignal.timeout(10_000) });
    expect(mirror.get('/e/m')?.value.toString()).toBe('mirrored');
  });
});

describe('history', () => {
  it('returns every version of a key written 10 times, oldest first', async () => {
    const revisions: number[] = [];
    for (let i = 1; i <= 10; i++) revisions.push((await client.put('/h/ten', `v${i}`)).revision);
    const versions = await client.history('/h/ten');
    expect(versions.map((v) => v.value.toString())).toEqual(revisions.map((_, i) => `v${i + 1}`));
    expect(versions.map((v) => v.modRevision)).toEqual(revisions);
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(versions.every((v) => !v.deleted && v.createRevision === revisions[0])).toBe(true);
    const recent = await client.history('/h/ten', { fromRevision: revisions[7] });
    expect(recent.map((v) => v.version)).toEqual([8, 9, 10]);
  });

  it('shows a delete and the version reset of a recreated key', async () => {
    await client.put('/h/re', 'a');
    await client.put('/h/re', 'b');
    const del = await client.delete('/h/re');
    expect(del).toBe(1);
    const again = await client.put('/h/re', 'c');
    const versions = await client.history('/h/re');
    expect(versions.map((v) => [v.deleted, v.version, v.value.toString()])).toEqual([
      [false, 1, 'a'],
      [false, 2, 'b'],
      [true, 0, ''],
      [false, 1, 'c'],
    ]);
    expect(versions[3]?.createRevision).toBe(again.revision);
  });

  it('ends at a delete for a key that no longer exists, and is empty for a key never written', async () => {
    await client.put('/h/gone', 'x');
    await client.delete('/h/gone');
    expect((await client.history('/h/gone')).map((v) => v.deleted)).toEqual([false, true]);
    expect(await client.history('/h/never')).toEqual([]);
  });
});

describe('mirror', () => {
  it('equals a fresh listing after 2,000 concurrent writes', async () => {
    await client.bulkPut(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`/m/k${i}`, 'seed'])));
    await using mirror = await client.mirror('/m/');
    expect(mirror.size).toBe(50);
    const changes: MirrorChange[] = [];
    const reader = (async () => {
      for await (const c of mirror) {
        changes.push(c);
        if (changes.length === 2000) break;
      }
    })();
    let last = 0;
    const worker = async (w: number) => {
      for (let i = w; i < 2000; i += 16) {
        const key = `/m/k${(i * 7) % 120}`;
        const r = i % 5 === 4 ? await client.put(key, `v${i}`) : await client.put(key, `w${i}`);
        if (i % 9 === 8) await client.delete(`/m/k${(i * 3) % 120}`);
        last = Math.max(last, r.revision);
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    await mirror.waitForRevision(last, { signal: AbortSignal.timeout(15_000) });
    const fresh = await client.listWithValues('/m/');
    expect(new Map([...mirror.entries()].map(([k, kv]) => [k, kv.value]))).toEqual(fresh);
    expect(mirror.get('/m/k0')?.value).toEqual(fresh.get('/m/k0'));
    await reader;
    expect(changes.length).toBe(2000);
  });
});
