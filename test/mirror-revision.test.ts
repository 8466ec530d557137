/**
 * A mirror's revision claims only what is applied: a revision counts once
 * every one of its events is in the copy. A private etcd, so that the
 * revision of the next write is known before it is made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { Client, Config, type Mirror } from '../src/index.js';

let etcd: EtcdHandle;
let client: Client;

beforeAll(async () => {
  etcd = await startEtcd({ isolated: true }); // nothing else writes, so revisions are predictable
  client = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints));
});
afterAll(async () => {
  await client?.close();
  await etcd?.stop();
});

const batch = (prefix: string, n: number, value: string) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}k${String(i).padStart(3, '0')}`, value]));

/** Keys of the copy whose value is not `value`. */
const stale = (m: Mirror, value: string) =>
  [...m.entries()].filter(([, kv]) => kv.value.toString() !== value).map(([k]) => k);

describe('mirror revision', () => {
  it('waitForRevision of a 100-key transaction resolves only with all 100 keys in the copy, round after round', async () => {
    await using m = await client.mirror('/wr/');
    for (let round = 0; round < 5; round++) {
      // Registered before the write, and read the moment it resolves: nothing
      // the mirror does after resolving can make this pass.
      const next = m.revision + 1;
      const seen = m
        .waitForRevision(next)
        .then(() => ({ size: m.size, stale: stale(m, `r${round}`), revision: m.revision }));
      const written = await client.bulkPut(batch('/wr/', 100, `r${round}`), { atomic: true });
      expect(written.revisions).toEqual([next]);
      expect(await seen).toEqual({ size: 100, stale: [], revision: next });
    }
  });

  it('with a slow change reader, revision never claims a revision whose events are not all applied', async () => {
    await using m = await client.mirror('/slow/', { bufferSize: 10 });
    const changes = m[Symbol.asyncIterator](); // reading starts now: the mirror holds changes for it
    const writes: Array<{ keys: string[]; revision: number }> = [];
    for (let i = 0; i < 20; i++) {
      const entries = batch(`/slow/t${i}/`, 5, `v${i}`);
      const { revisions } = await client.bulkPut(entries, { atomic: true });
      writes.push({ keys: Object.keys(entries), revision: revisions[0]! });
    }
    const violations: string[] = [];
    for (let taken = 0; taken < 100; taken++) {
      await new Promise((r) => setImmediate(r)); // a slow reader: the mirror fills its buffer meanwhile
      const { done } = await changes.next();
      expect(done).toBe(false);
      const claimed = m.revision;
      for (const w of writes.filter((x) => x.revision <= claimed)) {
        const missing = w.keys.filter((k) => (m.get(k)?.modRevision ?? 0) < w.revision);
        if (missing.length > 0)
          violations.push(`revision ${claimed} claimed, ${missing.length} keys of ${w.revision} not applied`);
      }
    }
    await changes.return?.();
    expect(violations).toEqual([]);
    expect(m.revision).toBe(writes.at(-1)!.revision);
  });
});
