import { randomBytes } from 'node:crypto';
import { Client } from '../../src/index.js';
import type { Section } from './section.js';

const KEY = '/sample/encrypted/secret';
const SECRET = '{"password": "super-secret-password", "api_key": "sk-1234567890"}';

/** Client-side encryption: the application reads plaintext, etcd only ever holds ciphertext. */
export const encryption: Section = {
  name: 'encryption',
  title: 'Encryption Demo',
  summary: 'client-side AES-256-GCM: values are decrypted for the app, ciphertext in etcd',
  async run({ client, config, print }) {
    // A fresh 32-byte key for the demo; a real application loads its key from a secret store.
    const encrypted = config.withEncryption(randomBytes(32));
    await using secure = await Client.connect(encrypted);
    print(`Created encrypted client (encryption: ${encrypted.encryption !== undefined})`);
    await secure.put(KEY, SECRET);
    print(`Stored encrypted data: ${KEY}`);
    print(`Retrieved decrypted data: ${await secure.getString(KEY)}`);
    // The plain client reads what etcd really stores.
    const raw = await client.get(KEY);
    if (raw.includes(Buffer.from('super-secret-password'))) throw new Error('the value is stored in plaintext');
    print('Raw encrypted data (first 50 chars): [encrypted binary data]...');
    await client.delete(KEY);
    print('Encryption demo completed');
  },
  async cleanup({ client }) {
    await client.delete(KEY);
  },
};
