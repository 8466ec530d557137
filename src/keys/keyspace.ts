import { ValidationError } from '../errors/index.js';
import { prefixEnd } from './range.js';

/** A `[start, end)` range of raw etcd keys. */
export interface RawRange {
  readonly key: Buffer;
  readonly rangeEnd: Buffer;
}

/**
 * Maps the caller's keys to etcd keys under a namespace and back, and checks
 * them. Keys are UTF-8 strings.
 */
export class Keyspace {
  readonly #prefix: Buffer;

  constructor(namespace: string) {
    this.#prefix = Buffer.from(namespace, 'utf8');
  }

  /** The namespace as bytes. */
  get prefix(): Buffer {
    return this.#prefix;
  }

  /** The etcd key for `key`; refuses an empty or non-string key. */
  encode(key: string, what = 'key'): Buffer {
    if (typeof key !== 'string') throw new ValidationError(`${what} must be a string, got ${typeof key}`);
    if (key.length === 0) throw new ValidationError(`${what} must not be empty`);
    return this.#join(key);
  }

  /** The caller's key for an etcd key read back from the server. */
  decode(raw: Uint8Array): string {
    const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    return buf.toString('utf8', this.#prefix.length);
  }

  /**
   * The range covering every key that starts with `prefix`. An empty prefix
   * is refused unless `all` is set, so a stray `''` never reaches the whole
   * keyspace; with `all` it covers the whole namespace.
   */
  prefixRange(prefix: string, all = false): RawRange {
    if (typeof prefix !== 'string') throw new ValidationError(`prefix must be a string, got ${typeof prefix}`);
    if (prefix.length === 0 && !all) {
      throw new ValidationError("empty prefix refused: it covers every key; pass { all: true } to mean that");
    }
    const key = this.#join(prefix);
    // etcd reads a range starting at "\0" and ending at "\0" as "every key".
    return { key: key.length === 0 ? Buffer.from([0]) : key, rangeEnd: prefixEnd(key) };
  }

  /** The range `[start, end)`; an empty `end` means "to the end of the namespace". */
  range(start: string, end: string): RawRange {
    const key = this.#join(start);
    const rangeEnd = end === '' ? prefixEnd(this.#prefix) : this.#join(end);
    return { key: key.length === 0 ? Buffer.from([0]) : key, rangeEnd };
  }

  #join(key: string): Buffer {
    const n = this.#prefix.length;
    if (n === 0) return Buffer.from(key, 'utf8');
    // One allocation: encoding the key apart and concatenating would copy it twice.
    const out = Buffer.allocUnsafe(n + Buffer.byteLength(key, 'utf8'));
    this.#prefix.copy(out, 0);
    out.write(key, n, 'utf8');
    return out;
  }
}
