import type { Section } from './section.js';

const KEY = '/sample/watch/counter';
const EVENTS = 3;

/** A watch on one key: every write after the watch is confirmed arrives, in order. */
export const watch: Section = {
  name: 'watch',
  title: 'Watch Demo',
  rule: '-----------',
  summary: 'watch a key and receive its changes in order',
  async run({ client, print }) {
    // Bounded: a demo that hangs helps nobody.
    await using watch = await client.watch(KEY, { signal: AbortSignal.timeout(15_000) });
    print(`Started watching key: ${KEY}`);
    // The watch is confirmed by etcd once `watch()` resolves, so no write below can be missed.
    for (let i = 1; i <= EVENTS; i++) await client.put(KEY, `value-${i}`);
    let n = 0;
    for await (const ev of watch) {
      print(`Event ${++n}: ${ev.type.toUpperCase()} ${ev.key} = ${ev.value.toString('utf8')}`);
      if (n === EVENTS) break;
    }
    await client.delete(KEY);
    print('Watch demo completed');
  },
  async cleanup({ client }) {
    await client.delete(KEY);
  },
};
