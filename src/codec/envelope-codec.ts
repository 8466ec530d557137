import type { KeyObject } from 'node:crypto';
import type { CompressionSettings, Config, EncryptionSettings } from '../config/index.js';
import { DecryptionError } from '../errors/index.js';
import { open, seal } from './aead.js';
import { identityCodec, type ValueCodec } from './codec.js';
import { compress, compressionCode, decompress } from './compress.js';
import { Compression, buildHeader, hasMagic, parseEnvelope, type CompressionCode, type Envelope } from './envelope.js';

/** Headers for each compression code, built once per codec. */
type Headers = readonly [Buffer, Buffer, Buffer];

function headers(keyId: string | undefined): Headers {
  return [buildHeader(keyId, 0), buildHeader(keyId, 1), buildHeader(keyId, 2)];
}

/**
 * The value pipeline when encryption or compression is on:
 * encode = compress (when over the threshold and smaller) → encrypt;
 * decode = parse envelope → authenticate and decrypt → decompress.
 */
export class EnvelopeCodec implements ValueCodec {
  readonly transforms = true;
  readonly #encryption: EncryptionSettings | undefined;
  readonly #primaryKey: KeyObject | undefined;
  readonly #threshold: number;
  readonly #algorithm: CompressionCode;
  readonly #headers: Headers;

  constructor(encryption: EncryptionSettings | undefined, compression: CompressionSettings | undefined) {
    this.#encryption = encryption;
    this.#primaryKey = encryption?.keys.get(encryption.primary);
    this.#threshold = compression ? compression.threshold : Infinity;
    this.#algorithm = compression ? compressionCode(compression.algorithm) : Compression.none;
    this.#headers = headers(encryption?.primary);
  }

  encode(etcdKey: Uint8Array, value: Buffer): Buffer {
    let body = value;
    let code: CompressionCode = Compression.none;
    if (value.length > this.#threshold) {
      const packed = compress(this.#algorithm, value);
      if (packed.length < value.length) {
        body = packed;
        code = this.#algorithm;
      }
    }
    if (this.#primaryKey) return seal(this.#primaryKey, this.#headers[code], etcdKey, body);
    // Unencrypted and uncompressed values are stored as they are, unless they
    // start with the magic: those get a header so that reads never guess.
    if (code === Compression.none && !hasMagic(value)) return value;
    return Buffer.concat([this.#headers[code], body]);
  }

  decode(etcdKey: Uint8Array, stored: Buffer, key: string): Buffer {
    if (!hasMagic(stored)) {
      this.#checkPlaintextAllowed(key);
      return stored;
    }
    const envelope = parseEnvelope(stored);
    if (typeof envelope === 'string') throw new DecryptionError(key, envelope);
    const body = envelope.sealed ? this.#open(etcdKey, envelope, key) : this.#unsealed(envelope, key);
    if (envelope.compression === Compression.none) return body;
    try {
      return decompress(envelope.compression, body);
    } catch (cause) {
      throw new DecryptionError(key, `corrupt compressed data: ${(cause as Error).message}`, { cause });
    }
  }

  /**
   * True when `stored` is sealed under the primary key, so
   * {@link Client.reencrypt} can leave it alone.
   */
  isCurrent(stored: Buffer): boolean {
    if (!this.#encryption || !hasMagic(stored)) return false;
    const envelope = parseEnvelope(stored);
    return typeof envelope !== 'string' && envelope.sealed?.keyId === this.#encryption.primary;
  }

  /** Whether this codec encrypts (so {@link isCurrent} is meaningful). */
  get encrypts(): boolean {
    return this.#encryption !== undefined;
  }

  #open(etcdKey: Uint8Array, envelope: Envelope, key: string): Buffer {
    const sealed = envelope.sealed!;
    if (!this.#encryption) {
      throw new DecryptionError(
        key,
        `value is encrypted (key id '${sealed.keyId}') but no encryption key is configured`,
      );
    }
    const secret = this.#encryption.keys.get(sealed.keyId);
    if (!secret) {
      const known = [...this.#encryption.keys.keys()].join(', ');
      throw new DecryptionError(key, `value is encrypted with unknown key id '${sealed.keyId}' (configured: ${known})`);
    }
    const plaintext = open(secret, sealed, etcdKey);
    if (!plaintext) {
      throw new DecryptionError(
        key,
        `authentication failed with key id '${sealed.keyId}': wrong key, value tampered with, or copied from another key`,
      );
    }
    return plaintext;
  }

  #unsealed(envelope: Envelope, key: string): Buffer {
    this.#checkPlaintextAllowed(key);
    return envelope.body!;
  }

  #checkPlaintextAllowed(key: string): void {
    if (this.#encryption && !this.#encryption.allowPlaintext) {
      throw new DecryptionError(
        key,
        'value is not encrypted (set allowPlaintext to read values written without encryption)',
      );
    }
  }
}

/**
 * The value pipeline a Config asks for: values stored as they are when
 * neither encryption nor compression is configured.
 */
export function createCodec(config: Config): ValueCodec {
  const { encryption, compression } = config;
  if (!encryption && !compression) return identityCodec;
  return new EnvelopeCodec(encryption, compression);
}
