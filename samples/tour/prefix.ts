import type { Section } from './section.js';

const USERS = {
  '/sample/users/alice': '{"name": "Alice", "email": "alice@example.com"}',
  '/sample/users/bob': '{"name": "Bob", "email": "bob@example.com"}',
  '/sample/users/charlie': '{"name": "Charlie", "email": "charlie@example.com"}',
};
const CONFIG = {
  '/sample/config/app/timeout': '30s',
  '/sample/config/app/retries': '3',
};

/** Bulk put, listing keys and values under a prefix, counting, and deleting a prefix. */
export const prefix: Section = {
  name: 'prefix',
  title: 'Prefix Operations Demo',
  summary: 'bulk put, list keys, list with values, count and delete a prefix',
  async run({ client, print }) {
    // One transaction: all five keys appear at the same revision, or none does.
    const { count } = await client.bulkPut({ ...USERS, ...CONFIG }, { atomic: true });
    print(`BULK_PUT: inserted ${count} key-value pairs`);

    const keys = await client.list('/sample/users/');
    print(`LIST KEYS: found ${keys.length} user keys`);
    for (const key of keys) print(`   - ${key}`);

    const users = await client.listWithValues('/sample/users/');
    print(`LIST WITH VALUES: found ${users.size} users`);
    for (const [key, value] of users) print(`   - ${key}: ${value.toString('utf8')}`);

    print(`COUNT: total ${await client.count('/sample/')} keys under /sample/`);
    print(`DELETE PREFIX: removed ${await client.deletePrefix('/sample/')} keys`);
  },
  async cleanup({ client }) {
    await client.bulkDelete([...Object.keys(USERS), ...Object.keys(CONFIG)]);
  },
};
