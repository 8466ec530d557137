import type { Section } from './section.js';

const COUNTER = '/sample/txn/counter';

/** Compare-and-swap: a write that happens only if the value is still the one expected. */
export const transaction: Section = {
  name: 'transaction',
  title: 'Transaction Demo',
  summary: 'compare-and-swap: succeeds on the expected value, fails on another',
  async run({ client, print }) {
    await client.put(COUNTER, '10');
    print(`Initial counter value: ${await client.getString(COUNTER)}`);
    // One transaction each: the value is compared and replaced atomically.
    print(`CompareAndSwap (10->20): ${await client.compareAndSwap(COUNTER, '10', '20')}`);
    print(`Counter value after CAS: ${await client.getString(COUNTER)}`);
    print(`CompareAndSwap (15->30): ${await client.compareAndSwap(COUNTER, '15', '30')} (should be false)`);
    print(`Final counter value: ${await client.getString(COUNTER)}`);
    await client.delete(COUNTER);
    print('Transaction demo completed');
  },
  async cleanup({ client }) {
    await client.delete(COUNTER);
  },
};
