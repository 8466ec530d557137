import { setTimeout as sleep } from 'node:timers/promises';
import type { Section } from './section.js';

const NAME = '/sample/locks/demo-lock';
/** No step of the demo should wait longer than this for a lock. */
const WAIT = { timeoutMs: 15_000 };

/** A distributed mutex: blocking lock, try-lock, and a second holder kept out. */
export const lock: Section = {
  name: 'lock',
  title: 'Distributed Lock Demo',
  summary: 'blocking lock, try-lock, and a second lock kept out while the first is held',
  async run({ client, fast, print }) {
    // Each handle has its own session (lease): two handles are two contenders.
    await using lock = client.newLock(NAME, { ttl: 10 });
    print(`Created lock: ${NAME}`);

    print('Testing blocking lock acquisition...');
    await lock.lock(WAIT);
    print('Lock acquired successfully');
    print('Performing critical section work...');
    await sleep(fast ? 10 : 500);
    await lock.unlock();
    print('Lock released');

    print('Testing TryLock (non-blocking) with 100ms timeout...');
    const acquired = await lock.tryLock({ timeoutMs: 2_000 }); // one transaction: never waits for the holder
    print(`TryLock result: ${acquired}`);
    if (!acquired) throw new Error('TryLock failed on a free lock');
    print('TryLock succeeded');
    await lock.unlock();
    print('TryLock released');

    print('Testing concurrent lock access...');
    await lock.lock(WAIT);
    await using lock2 = client.newLock(NAME, { ttl: 10 });
    print(`TryLock while other lock held: ${await lock2.tryLock()} (should be false)`);
    await lock.unlock();
    await lock2.lock(WAIT);
    print('Lock2 acquired successfully');
    await lock2.unlock();
    print('Lock2 released');
    print('Distributed lock demo completed');
  },
};
