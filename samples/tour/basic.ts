import type { Section } from './section.js';

const KEY = '/sample/basic/message';
const MESSAGE = 'Hello from Blueprint etcd provider!';

/** Put, get, exists and delete of a single key. */
export const basic: Section = {
  name: 'basic',
  title: 'Basic Operations Demo',
  summary: 'put, get, exists and delete one key',
  async run({ client, print }) {
    await client.put(KEY, MESSAGE);
    print(`PUT: ${KEY} = ${MESSAGE}`);
    print(`GET: ${KEY} = ${await client.getString(KEY)}`);
    print(`EXISTS: ${KEY} = ${await client.exists(KEY)}`);
    const deleted = await client.delete(KEY);
    print(`DELETE: ${KEY} (deleted ${deleted} keys)`);
  },
  async cleanup({ client }) {
    await client.delete(KEY);
  },
};
