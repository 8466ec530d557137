import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Config, ConfigError } from '../index.js';

const raw = randomBytes(32);
const base = Config.defaults();

function configError(fn: () => unknown, field: string): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe(field);
    return err as ConfigError;
  }
  throw new Error('no ConfigError');
}

describe('withEncryption', () => {
  it('accepts 32 bytes as Uint8Array, hex or base64 (standard or url-safe, padded or not)', () => {
    const forms = [
      new Uint8Array(raw),
      raw.toString('hex'),
      raw.toString('hex').toUpperCase(),
      raw.toString('base64'),
      raw.toString('base64url'),
    ];
    for (const form of forms) {
      const enc = base.withEncryption(form).encryption!;
      expect(enc.primary).toBe('default');
      expect(enc.keys.get('default')!.export()).toEqual(raw);
      expect(enc.allowPlaintext).toBe(false);
    }
  });

  it('refuses every other length and type, without printing the key', () => {
    const hex31 = randomBytes(31).toString('hex');
    for (const bad of [
      randomBytes(16),
      randomBytes(31),
      randomBytes(33),
      new Uint8Array(0),
      hex31,
      `${hex31}zz`,
      randomBytes(24).toString('base64'),
      'correct horse battery staple',
      '',
      42,
      null,
      undefined,
      {},
    ]) {
      const err = configError(() => base.withEncryption(bad as never), 'encryption.key');
      expect(err.message).toMatch(/exactly 32 bytes/);
      if (typeof bad === 'string' && bad) expect(err.message).not.toContain(bad);
    }
  });

  it("copies the key: changing the caller's bytes later changes nothing", () => {
    const mine = new Uint8Array(raw);
    const config = base.withEncryption(mine);
    mine.fill(0);
    expect(config.encryption!.keys.get('default')!.export()).toEqual(raw);
  });

  it('allowPlaintext must be a boolean', () => {
    expect(base.withEncryption(raw, { allowPlaintext: true }).encryption!.allowPlaintext).toBe(true);
    configError(() => base.withEncryption(raw, { allowPlaintext: 'yes' as never }), 'encryption.allowPlaintext');
  });

  it('toJSON shows key ids, never key material; the Config stays immutable', () => {
    const config = base.withEncryption(raw);
    const json = JSON.stringify(config);
    expect(json).toContain('"keyIds":["default"]');
    expect(json).not.toContain(raw.toString('hex'));
    expect(json).not.toContain(raw.toString('base64'));
    expect(base.encryption).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe('withEncryptionKeys', () => {
  const k2 = randomBytes(32).toString('hex');

  it('keeps every key and the primary', () => {
    const enc = base.withEncryptionKeys({ primary: 'k2', keys: { k1: raw, k2 } }).encryption!;
    expect(enc.primary).toBe('k2');
    expect([...enc.keys.keys()]).toEqual(['k1', 'k2']);
  });

  it('refuses a primary that is not a listed key', () => {
    configError(() => base.withEncryptionKeys({ primary: 'k3', keys: { k1: raw, k2 } }), 'encryption.primary');
    configError(() => base.withEncryptionKeys({ primary: 'k1', keys: {} }), 'encryption.primary');
  });

  it('refuses bad key ids and bad keys, naming the key id', () => {
    for (const id of ['', 'has space', 'é', 'x'.repeat(33), 'a/b']) {
      configError(() => base.withEncryptionKeys({ primary: id, keys: { [id]: raw } }), 'encryption.keys');
    }
    configError(() => base.withEncryptionKeys({ primary: 'k1', keys: { k1: raw, k2: 'short' } }), 'encryption.keys.k2');
    configError(() => base.withEncryptionKeys(null as never), 'encryption');
    configError(() => base.withEncryptionKeys({ primary: 'k1', keys: raw as never }), 'encryption.keys');
  });
});

describe('withCompression', () => {
  it('defaults to gzip over 1024 bytes', () => {
    expect(base.withCompression().compression).toEqual({ threshold: 1024, algorithm: 'gzip' });
    expect(base.withCompression({ algorithm: 'brotli', threshold: 0 }).compression).toEqual({
      threshold: 0,
      algorithm: 'brotli',
    });
  });

  it('refuses bad thresholds and algorithms', () => {
    for (const threshold of [-1, 1.5, NaN, '10']) {
      configError(() => base.withCompression({ threshold: threshold as never }), 'compression.threshold');
    }
    configError(() => base.withCompression({ algorithm: 'zstd' as never }), 'compression.algorithm');
  });
});
