import { createCipheriv, createDecipheriv, randomFillSync, type KeyObject } from 'node:crypto';
import { NONCE_BYTES, TAG_BYTES } from './envelope.js';

const ALGORITHM = 'aes-256-gcm';
const POOL_NONCES = 1024;

/**
 * Random nonces drawn from a pool refilled from the OS CSPRNG 12 KiB at a
 * time: one system call per 1024 values instead of one per value. Each nonce
 * is used once; the pool is overwritten before any byte is handed out again.
 */
class NoncePool {
  readonly #pool = Buffer.allocUnsafe(NONCE_BYTES * POOL_NONCES);
  #offset = this.#pool.length;

  /** Writes a fresh nonce into `target` at `at`. */
  fill(target: Buffer, at: number): void {
    if (this.#offset === this.#pool.length) {
      randomFillSync(this.#pool);
      this.#offset = 0;
    }
    this.#pool.copy(target, at, this.#offset, this.#offset + NONCE_BYTES);
    this.#offset += NONCE_BYTES;
  }
}

const nonces = new NoncePool();

/**
 * Encrypts `plaintext` into one freshly allocated buffer:
 * `header || nonce || ciphertext || tag`, with associated data `header || etcdKey`.
 */
export function seal(key: KeyObject, header: Buffer, etcdKey: Uint8Array, plaintext: Buffer): Buffer {
  const out = Buffer.allocUnsafe(header.length + NONCE_BYTES + plaintext.length + TAG_BYTES);
  header.copy(out, 0);
  nonces.fill(out, header.length);
  const nonce = out.subarray(header.length, header.length + NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  cipher.setAAD(etcdKey);
  let at = header.length + NONCE_BYTES;
  at += cipher.update(plaintext).copy(out, at);
  at += cipher.final().copy(out, at);
  cipher.getAuthTag().copy(out, at);
  return out;
}

/** The parts {@link open} needs, as views into the stored value. */
export interface Sealed {
  readonly header: Buffer;
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/**
 * Decrypts and authenticates; returns undefined when authentication fails
 * (wrong key, tampering, or a value moved from another etcd key).
 */
export function open(key: KeyObject, sealed: Sealed, etcdKey: Uint8Array): Buffer | undefined {
  const decipher = createDecipheriv(ALGORITHM, key, sealed.nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.tag);
  decipher.setAAD(sealed.header);
  decipher.setAAD(etcdKey);
  const plaintext = decipher.update(sealed.ciphertext);
  try {
    decipher.final();
  } catch {
    plaintext.fill(0);
    return undefined;
  }
  return plaintext;
}
