/**
 * The value pipeline: every value written goes through `encode` and every
 * value read through `decode`, with the full etcd key (namespace included)
 * so that a pipeline can bind the value to its key.
 */
export interface ValueCodec {
  /** True when stored bytes differ from the plaintext (so byte comparisons on the server are meaningless). */
  readonly transforms: boolean;
  /** Plaintext to stored bytes. */
  encode(etcdKey: Uint8Array, value: Buffer): Buffer;
  /**
   * Stored bytes to plaintext. `key` is the caller's key, for error messages.
   * @throws {@link DecryptionError} when the bytes cannot be decoded.
   */
  decode(etcdKey: Uint8Array, stored: Buffer, key: string): Buffer;
}

/** Stores values as they are. */
export const identityCodec: ValueCodec = Object.freeze({
  transforms: false,
  encode: (_key: Uint8Array, value: Buffer) => value,
  decode: (_key: Uint8Array, stored: Buffer) => stored,
});
