import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Config, DecryptionError } from '../index.js';
import { createCodec, type EnvelopeCodec } from './index.js';
import { identityCodec } from './codec.js';
import { NONCE_BYTES, TAG_BYTES } from './envelope.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const base = Config.defaults();
const encrypting = createCodec(base.withEncryption(k1));
const etcdKey = Buffer.from('/ns/users/alice');
const otherKey = Buffer.from('/ns/users/bob');

function decodeError(codec: ReturnType<typeof createCodec>, stored: Buffer, at = etcdKey): DecryptionError {
  try {
    codec.decode(at, stored, 'users/alice');
  } catch (err) {
    expect(err).toBeInstanceOf(DecryptionError);
    const e = err as DecryptionError;
    expect(e.code).toBe('DECRYPT_FAILED');
    expect(e.key).toBe('users/alice');
    expect(e.message).toContain("'users/alice'");
    return e;
  }
  throw new Error('decode succeeded on a value that should fail');
}

describe('round trips', () => {
  const sizes = [0, 1, 15, 16, 17, 1023, 1024, 1025, 65_536, 1024 * 1024];
  const configs = {
    encrypted: base.withEncryption(k1),
    'encrypted + gzip': base.withEncryption(k1).withCompression(),
    'encrypted + brotli': base.withEncryption(k1).withCompression({ algorithm: 'brotli', threshold: 0 }),
    'gzip only': base.withCompression({ threshold: 0 }),
    'brotli only': base.withCompression({ algorithm: 'brotli' }),
  };
  for (const [name, config] of Object.entries(configs)) {
    it(`${name}: 0 B to 1 MiB, random and repetitive`, () => {
      const codec = createCodec(config);
      expect(codec.transforms).toBe(true);
      for (const size of sizes) {
        for (const value of [randomBytes(size), Buffer.alloc(size, 'abc')]) {
          const stored = codec.encode(etcdKey, value);
          // Buffer.equals: vitest's deep equality takes seconds on a MiB.
          expect(codec.decode(etcdKey, stored, 'k').equals(value)).toBe(true);
        }
      }
    });
  }

  it('an encrypted value is header + nonce + plaintext + tag long, and never contains the plaintext', () => {
    const value = Buffer.from('top secret value, top secret value');
    const stored = encrypting.encode(etcdKey, value);
    expect(stored.length).toBe(6 + 'default'.length + NONCE_BYTES + value.length + TAG_BYTES);
    expect(stored.includes(Buffer.from('secret'))).toBe(false);
    expect(stored.subarray(0, 5)).toEqual(Buffer.from([0xff, 0x45, 0x4b, 1, 1]));
  });

  it('without encryption or compression the identity codec is used', () => {
    expect(createCodec(base)).toBe(identityCodec);
    expect(identityCodec.transforms).toBe(false);
  });
});

describe('tampering', () => {
  const value = Buffer.from('{"balance": 100}');
  const stored = encrypting.encode(etcdKey, value);

  it('a ciphertext copied to another key fails', () => {
    const err = decodeError(encrypting, stored, otherKey);
    expect(err.message).toMatch(/authentication failed/);
  });

  it('the namespace is bound too: same key under another namespace fails', () => {
    decodeError(encrypting, stored, Buffer.from('/other/users/alice'));
  });

  it('a flipped bit anywhere fails, never garbage', () => {
    for (let byte = 0; byte < stored.length; byte++) {
      for (const bit of [0, 7]) {
        const copy = Buffer.from(stored);
        copy[byte]! ^= 1 << bit;
        decodeError(encrypting, copy);
      }
    }
  });

  it('every truncation fails', () => {
    for (let length = 0; length < stored.length; length++) {
      decodeError(createCodec(base.withEncryption(k1)), stored.subarray(0, length));
    }
  });

  it('an appended byte fails', () => {
    decodeError(encrypting, Buffer.concat([stored, Buffer.from([0])]));
  });

  it('an unknown key id fails, naming it', () => {
    const other = createCodec(base.withEncryptionKeys({ primary: 'k9', keys: { k9: k1 } }));
    expect(decodeError(other, stored).message).toContain("unknown key id 'default'");
  });

  it('the wrong key under the same id fails', () => {
    expect(decodeError(createCodec(base.withEncryption(k2)), stored).message).toMatch(/authentication failed/);
  });

  it('a client without encryption but with compression refuses an encrypted value', () => {
    expect(decodeError(createCodec(base.withCompression()), stored).message).toMatch(/no encryption key/);
  });
});

describe('key rotation', () => {
  it('the primary encrypts, every listed key decrypts', () => {
    const old = createCodec(base.withEncryptionKeys({ primary: 'k1', keys: { k1 } }));
    const both = createCodec(base.withEncryptionKeys({ primary: 'k2', keys: { k1, k2 } })) as EnvelopeCodec;
    const fromOld = old.encode(etcdKey, Buffer.from('v1'));
    const fromNew = both.encode(etcdKey, Buffer.from('v2'));
    expect(both.decode(etcdKey, fromOld, 'k').toString()).toBe('v1');
    expect(both.decode(etcdKey, fromNew, 'k').toString()).toBe('v2');
    expect(both.isCurrent(fromOld)).toBe(false);
    expect(both.isCurrent(fromNew)).toBe(true);
    expect(decodeError(old, fromNew).message).toContain("unknown key id 'k2'");
  });
});

describe('nonces', () => {
  it('100,000 encryptions of the same value use 100,000 distinct nonces', () => {
    const seen = new Set<string>();
    const value = Buffer.from('same');
    const start = 6 + 'default'.length;
    for (let i = 0; i < 100_000; i++) {
      const stored = encrypting.encode(etcdKey, value);
      seen.add(stored.toString('latin1', start, start + NONCE_BYTES));
    }
    expect(seen.size).toBe(100_000);
  });
});

describe('plaintext values', () => {
  const plain = Buffer.from('written before encryption');

  it('an encrypting client refuses plaintext by default', () => {
    expect(decodeError(encrypting, plain).message).toMatch(/not encrypted.*allowPlaintext/);
    decodeError(encrypting, Buffer.alloc(0));
  });

  it('allowPlaintext reads it as is, and still writes ciphertext', () => {
    const lenient = createCodec(base.withEncryption(k1, { allowPlaintext: true })) as EnvelopeCodec;
    expect(lenient.decode(etcdKey, plain, 'k')).toEqual(plain);
    expect(lenient.decode(etcdKey, Buffer.alloc(0), 'k')).toEqual(Buffer.alloc(0));
    expect(lenient.isCurrent(plain)).toBe(false);
    const stored = lenient.encode(etcdKey, plain);
    expect(stored.includes(plain)).toBe(false);
    expect(lenient.isCurrent(stored)).toBe(true);
  });

  it('allowPlaintext does not weaken authentication of encrypted values', () => {
    const lenient = createCodec(base.withEncryption(k1, { allowPlaintext: true }));
    decodeError(lenient, encrypting.encode(otherKey, plain));
  });

  it('an unencrypted compressed value is refused without allowPlaintext, read with it', () => {
    const gz = createCodec(base.withCompression({ threshold: 0 }));
    const stored = gz.encode(etcdKey, Buffer.alloc(4096, 'x'));
    decodeError(encrypting, stored);
    const lenient = createCodec(base.withEncryption(k1, { allowPlaintext: true }));
    expect(lenient.decode(etcdKey, stored, 'k')).toEqual(Buffer.alloc(4096, 'x'));
  });
});

describe('compression flag', () => {
  const big = Buffer.alloc(8192, 'compressible text ');

  it('compresses only above the threshold, and only when smaller', () => {
    const codec = createCodec(base.withCompression({ threshold: 1024 }));
    const small = Buffer.alloc(1024, 'a');
    expect(codec.encode(etcdKey, small)).toBe(small);
    const stored = codec.encode(etcdKey, big);
    expect(stored.subarray(0, 5)).toEqual(Buffer.from([0xff, 0x45, 0x4b, 1, 0b010]));
    expect(stored.length).toBeLessThan(big.length / 10);
    const random = randomBytes(4096);
    expect(codec.encode(etcdKey, random)).toBe(random);
  });

  it('sets the flag inside encrypted envelopes: gzip = 1, brotli = 2', () => {
    const gz = createCodec(base.withEncryption(k1).withCompression());
    const br = createCodec(base.withEncryption(k1).withCompression({ algorithm: 'brotli' }));
    expect(gz.encode(etcdKey, big)[4]).toBe(0b011);
    expect(br.encode(etcdKey, big)[4]).toBe(0b101);
    expect(gz.encode(etcdKey, randomBytes(4096))[4]).toBe(0b001);
    expect(gz.encode(etcdKey, big).length).toBeLessThan(big.length / 10);
  });

  it('reads follow the flag, whatever the reader is configured with', () => {
    const brWriter = createCodec(base.withEncryption(k1).withCompression({ algorithm: 'brotli' }));
    const plainReader = createCodec(base.withEncryption(k1));
    expect(plainReader.decode(etcdKey, brWriter.encode(etcdKey, big), 'k')).toEqual(big);
  });

  it('a raw value that starts with the magic gets a header, so it is not misread', () => {
    const codec = createCodec(base.withCompression());
    const tricky = Buffer.from([0xff, 0x45, 0x4b, 1, 1, 7, 0]);
    const stored = codec.encode(etcdKey, tricky);
    expect(stored.length).toBe(tricky.length + 5);
    expect(codec.decode(etcdKey, stored, 'k')).toEqual(tricky);
  });

  it('corrupt compressed data fails with DecryptionError', () => {
    const codec = createCodec(base.withCompression({ threshold: 0 }));
    const stored = Buffer.from(codec.encode(etcdKey, big));
    stored[stored.length - 3]! ^= 0xff;
    decodeError(codec, stored);
    decodeError(codec, Buffer.from([0xff, 0x45, 0x4b, 1, 0b110, 1, 2]));
  });

  it('a value that would decompress past 256 MiB fails instead of exhausting memory', async () => {
    const { gzipSync } = await import('node:zlib');
    // gunzip reads concatenated members: 17 copies of 16 MiB of zeros, compressed once.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const bomb = Buffer.concat([Buffer.from([0xff, 0x45, 0x4b, 1, 0b010]), ...Array(17).fill(member)]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(decodeError(createCodec(base.withCompression()), bomb).message).toMatch(/corrupt compressed data/);
  });

  it('an unknown envelope version fails', () => {
    decodeError(encrypting, Buffer.from([0xff, 0x45, 0x4b, 2, 1, 0]));
  });
});
