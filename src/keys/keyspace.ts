import { isUtf8 } from 'node:buffer';
import { KeyEncodingError, ValidationError } from '../errors/index.js';
import { escapeInvalidUtf8, unescapeInvalidUtf8 } from './escaped.js';
import { keyAfter, prefixEnd } from './range.js';

/**
 * What a read does with a stored key that is not valid UTF-8 (written by
 * another tool): `'fail'` throws {@link KeyEncodingError}; `'escape'` returns
 * it with each byte that is not part of a valid sequence written as `\xHH`
 * (e.g. `/k\xfe`), for explorers. An escaped key names the stored key only
 * for `delete(key, { escapedKey: true })`.
 */
export type InvalidKeyPolicy = 'fail' | 'escape';

/** Refuses anything but `'fail'`, `'escape'` or `undefined`. */
export function checkInvalidKeys(policy: unknown): void {
  if (policy !== undefined && policy !== 'fail' && policy !== 'escape')
    throw new ValidationError(`invalidKeys must be 'fail' or 'escape', got ${String(policy)}`);
}

/** A `[start, end)` range of raw etcd keys. */
export interface RawRange {
  readonly key: Buffer;
  readonly rangeEnd: Buffer;
}

// A lone surrogate (half of a UTF-16 pair) has no UTF-8 form: Buffer.from
// writes it as U+FFFD, so two different keys would land on one etcd key.
const LONE_SURROGATE = /\p{Cs}/u;

/** Refuses a string that is not well-formed Unicode (it holds a lone surrogate). */
export function checkWellFormed(text: string, what: string): void {
  if (LONE_SURROGATE.test(text)) {
    const at = text.search(LONE_SURROGATE);
    const unit = text.charCodeAt(at).toString(16);
    throw new ValidationError(
      `${what} is not well-formed Unicode: lone surrogate \\u${unit} at index ${at} has no UTF-8 form ` +
        `(it would be stored as U+FFFD and collide with other keys)`,
    );
  }
}

/**
 * Maps the caller's keys to etcd keys under a namespace and back, and checks
 * them. Keys are UTF-8 strings: a key that is not well-formed Unicode is
 * refused on the way in, and a stored key that is not valid UTF-8 is never
 * turned into a lossy string on the way out ({@link KeyEncodingError}).
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
    return this.#join(key, what);
  }

  /**
   * The caller's key for an etcd key read back from the server.
   * @throws {@link KeyEncodingError} when the key is not valid UTF-8 (written by another tool), unless `invalid` is `'escape'`.
   */
  decode(raw: Uint8Array, invalid: InvalidKeyPolicy = 'fail'): string {
    const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const key = buf.toString('utf8', this.#prefix.length);
    // Invalid bytes decode to U+FFFD; only then is the (rarer) strict check needed.
    if (key.includes('\uFFFD') && !isUtf8(buf.subarray(this.#prefix.length))) {
      if (invalid === 'escape') return escapeInvalidUtf8(buf.subarray(this.#prefix.length));
      throw new KeyEncodingError(Buffer.from(buf));
    }
    return key;
  }

  /** The etcd key for a key in the escaped form of {@link InvalidKeyPolicy} `'escape'`. */
  encodeEscaped(key: string): Buffer {
    this.encode(key);
    return Buffer.concat([this.#prefix, unescapeInvalidUtf8(key)]);
  }

  /**
   * The range covering every key that starts with `prefix`. An empty prefix
   * is refused unless `all` is set, so a stray `''` never reaches the whole
   * keyspace; with `all` it covers the whole namespace.
   */
  prefixRange(prefix: string, all = false): RawRange {
    if (typeof prefix !== 'string') throw new ValidationError(`prefix must be a string, got ${typeof prefix}`);
    if (prefix.length === 0 && !all) {
      throw new ValidationError('empty prefix refused: it covers every key; pass { all: true } to mean that');
    }
    const key = this.#join(prefix, 'prefix');
    return { key: this.#start(key), rangeEnd: prefixEnd(key) };
  }

  /** The range `[start, end)`; an empty `end` means "to the end of the namespace". */
  range(start: string, end: string): RawRange {
    const key = this.#join(start, 'range start');
    const rangeEnd = end === '' ? prefixEnd(this.#prefix) : this.#join(end, 'range end');
    return { key: this.#start(key), rangeEnd };
  }

  /**
   * Where a range starting at `key` begins. etcd reads a range starting at
   * "\0" and ending at "\0" as "every key". Under a namespace, a raw key
   * equal to the namespace itself would map to the empty key, which no call
   * accepts (it could be listed but never read or written): ranges start
   * just after it, so listings, counts and prefix deletes all leave it out.
   */
  #start(key: Buffer): Buffer {
    if (key.length === 0) return Buffer.from([0]);
    return this.#prefix.length > 0 && key.length === this.#prefix.length ? keyAfter(key) : key;
  }

  #join(key: string, what: string): Buffer {
    // A range's start and end reach here unchecked: a non-string would fail in Buffer as a TypeError.
    if (typeof key !== 'string') throw new ValidationError(`${what} must be a string, got ${typeof key}`);
    checkWellFormed(key, what);
    const n = this.#prefix.length;
    if (n === 0) return Buffer.from(key, 'utf8');
    // One allocation: encoding the key apart and concatenating would copy it twice.
    const out = Buffer.allocUnsafe(n + Buffer.byteLength(key, 'utf8'));
    this.#prefix.copy(out, 0);
    out.write(key, n, 'utf8');
    return out;
  }
}
