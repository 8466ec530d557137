/**
 * The stored form of a value that etcdkit encrypted or compressed
 * (docs/encryption.md describes it byte by byte):
 *
 * ```
 * 0   3  magic FF 45 4B ("\xFFEK"; 0xFF never occurs in UTF-8 text)
 * 3   1  format version (1)
 * 4   1  flags: bit 0 encrypted; bits 1-2 compression (0 none, 1 gzip, 2 brotli); others 0
 *        encrypted:                        not encrypted:
 * 5   1  key id length L (1..32)           5  n  body (compressed, or raw)
 * 6   L  key id (ASCII)
 * 6+L 12 nonce
 * …   n  ciphertext
 * end 16 GCM tag
 * ```
 * Associated data = bytes `[0, 6+L)` (the header up to the key id) followed by
 * the full etcd key. The header's length is self-delimiting, so the
 * concatenation is unambiguous.
 */

export const MAGIC = Buffer.from([0xff, 0x45, 0x4b]);
export const VERSION = 1;
export const FLAG_ENCRYPTED = 0b001;
const COMPRESSION_MASK = 0b110;
const KNOWN_FLAGS = FLAG_ENCRYPTED | COMPRESSION_MASK;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** Bytes before the key id: magic, version, flags. */
export const PREFIX_BYTES = MAGIC.length + 2;

/** Compression codes as stored in the flags. */
export const Compression = Object.freeze({ none: 0, gzip: 1, brotli: 2 });
export type CompressionCode = 0 | 1 | 2;

/** A stored value split into its parts (views into the stored buffer, no copies). */
export interface Envelope {
  readonly compression: CompressionCode;
  /** Set when the value is encrypted. */
  readonly sealed?: {
    readonly keyId: string;
    /** The header part of the associated data: bytes `[0, 6+L)`. */
    readonly header: Buffer;
    readonly nonce: Buffer;
    readonly ciphertext: Buffer;
    readonly tag: Buffer;
  };
  /** Set when the value is not encrypted: the (possibly compressed) body. */
  readonly body?: Buffer;
}

/** True when `stored` starts with the magic: it is an envelope (or a damaged one), never plaintext. */
export function hasMagic(stored: Uint8Array): boolean {
  return stored.length >= MAGIC.length && stored[0] === 0xff && stored[1] === 0x45 && stored[2] === 0x4b;
}

/** The header of a value sealed under `keyId`, or of an unencrypted one when `keyId` is undefined. */
export function buildHeader(keyId: string | undefined, compression: CompressionCode): Buffer {
  const id = keyId === undefined ? undefined : Buffer.from(keyId, 'ascii');
  const flags = (compression << 1) | (id ? FLAG_ENCRYPTED : 0);
  const prefix = [...MAGIC, VERSION, flags];
  return Buffer.from(id ? [...prefix, id.length, ...id] : prefix);
}

/**
 * Splits an envelope into its parts; returns the reason as a string when it
 * is malformed. Only call it when {@link hasMagic} is true.
 */
export function parseEnvelope(stored: Buffer): Envelope | string {
  if (stored.length < PREFIX_BYTES) return `truncated envelope (${stored.length} bytes)`;
  const version = stored[3] as number;
  if (version !== VERSION) return `unsupported envelope version ${version}`;
  const flags = stored[4] as number;
  if ((flags & ~KNOWN_FLAGS) !== 0) return `unknown envelope flags 0x${flags.toString(16)}`;
  const compression = ((flags & COMPRESSION_MASK) >> 1) as number;
  if (compression > Compression.brotli) return `unknown compression ${compression}`;
  const code = compression as CompressionCode;
  if ((flags & FLAG_ENCRYPTED) === 0) return { compression: code, body: stored.subarray(PREFIX_BYTES) };
  const idLength = stored[PREFIX_BYTES] ?? 0;
  const headerEnd = PREFIX_BYTES + 1 + idLength;
  if (idLength === 0 || idLength > 32) return `bad key id length ${idLength}`;
  if (stored.length < headerEnd + NONCE_BYTES + TAG_BYTES) return `truncated envelope (${stored.length} bytes)`;
  const tagStart = stored.length - TAG_BYTES;
  return {
    compression: code,
    sealed: {
      keyId: stored.toString('latin1', PREFIX_BYTES + 1, headerEnd),
      header: stored.subarray(0, headerEnd),
      nonce: stored.subarray(headerEnd, headerEnd + NONCE_BYTES),
      ciphertext: stored.subarray(headerEnd + NONCE_BYTES, tagStart),
      tag: stored.subarray(tagStart),
    },
  };
}
