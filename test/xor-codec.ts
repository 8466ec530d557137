import { randomBytes } from 'node:crypto';
import type { Client } from '../src/index.js';
import type { Core } from '../src/core/core.js';
import type { ValueCodec } from '../src/codec/index.js';
import { DecryptionError } from '../src/errors/index.js';
import { coreOf } from '../src/internal.js';

const MAGIC = Buffer.from('xor1');

/**
 * A test-only transforming codec standing in for encryption: a random
 * 8-byte prefix (so equal plaintexts never store equal bytes) and XOR.
 * Not security; it only makes stored bytes differ from the plaintext.
 */
export const xorCodec: ValueCodec = Object.freeze({
  transforms: true,
  encode(_key: Uint8Array, value: Buffer): Buffer {
    const pad = randomBytes(8);
    const body = Buffer.from(value.map((b, i) => b ^ pad[i % 8]!));
    return Buffer.concat([MAGIC, pad, body]);
  },
  decode(_key: Uint8Array, stored: Buffer, key: string): Buffer {
    if (stored.length < 12 || !stored.subarray(0, 4).equals(MAGIC)) throw new DecryptionError(key, 'not xor-encoded');
    const pad = stored.subarray(4, 12);
    return Buffer.from(stored.subarray(12).map((b, i) => b ^ pad[i % 8]!));
  },
});

/** The client's internals with the value pipeline replaced: feature functions called on it behave as under encryption. */
export function withCodec(client: Client, codec: ValueCodec = xorCodec): Core {
  return { ...coreOf(client), codec };
}
