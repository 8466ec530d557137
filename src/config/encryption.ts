import { createSecretKey, type KeyObject } from 'node:crypto';
import { ConfigError } from '../errors/index.js';
import { configWhole } from './checks.js';
import { show } from './validate.js';

/** Key material: exactly 32 bytes, as bytes or as a hex (64 digits) or base64 (44 characters) string. */
export type EncryptionKey = Uint8Array | string;

/** Options of {@link Config.withEncryption}. */
export interface EncryptionOptions {
  /**
   * Read values that are not encrypted as they are, instead of failing with
   * {@link DecryptionError}. For migrating a keyspace written without encryption.
   * @default false
   */
  allowPlaintext?: boolean;
}

/** Options of {@link Config.withEncryptionKeys}. */
export interface EncryptionKeysOptions extends EncryptionOptions {
  /** The id of the key that encrypts new values; must be one of `keys`. */
  primary: string;
  /** Every key that may decrypt, by id. Ids are 1 to 32 characters of `A-Z a-z 0-9 . _ -`. */
  keys: Readonly<Record<string, EncryptionKey>>;
}

/** Encryption settings as held by a Config: keys are `KeyObject`s, never exposed as bytes. */
export interface EncryptionSettings {
  /** The id of the key that encrypts new values. */
  readonly primary: string;
  /** Every key that may decrypt, by id (the primary included). */
  readonly keys: ReadonlyMap<string, KeyObject>;
  /** True when values stored unencrypted are read as they are instead of failing. */
  readonly allowPlaintext: boolean;
}

/** Compression algorithms. */
export type CompressionAlgorithm = 'gzip' | 'brotli';

/** Options of {@link Config.withCompression}. */
export interface CompressionOptions {
  /** Values longer than this many bytes are compressed (when that makes them smaller). @default 1024 */
  threshold?: number;
  /** @default 'gzip' */
  algorithm?: CompressionAlgorithm;
}

/** Compression settings as held by a Config. */
export interface CompressionSettings {
  /** Values longer than this many bytes are compressed (when that makes them smaller). */
  readonly threshold: number;
  /** The compression algorithm. */
  readonly algorithm: CompressionAlgorithm;
}

/** The key id {@link Config.withEncryption} uses for its single key. */
export const DEFAULT_KEY_ID = 'default';

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** Describes bad key material without printing it: the error may end up in a log. */
function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return show(value);
}

/** Turns key material into a KeyObject; anything but exactly 32 bytes is refused. */
export function parseKey(field: string, value: unknown): KeyObject {
  let bytes: Buffer | undefined;
  if (value instanceof Uint8Array && value.length === 32) bytes = Buffer.from(value);
  else if (typeof value === 'string' && HEX_KEY.test(value)) bytes = Buffer.from(value, 'hex');
  else if (typeof value === 'string' && BASE64_KEY.test(value)) bytes = Buffer.from(value, 'base64');
  if (bytes?.length !== 32) {
    throw new ConfigError(
      field,
      `must be exactly 32 bytes (a Uint8Array, 64 hex digits or 44 base64 characters), got ${describe(value)}`,
    );
  }
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return key;
}

function allowPlaintextOf(options: EncryptionOptions | undefined): boolean {
  const allow = options?.allowPlaintext ?? false;
  if (typeof allow !== 'boolean') {
    throw new ConfigError('encryption.allowPlaintext', `must be a boolean, got ${show(allow)}`);
  }
  return allow;
}

/** Validates {@link Config.withEncryption} input. */
export function singleKey(key: unknown, options?: EncryptionOptions): EncryptionSettings {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ConfigError('encryption', `options must be an object, got ${show(options)}`);
  }
  const keys = new Map([[DEFAULT_KEY_ID, parseKey('encryption.key', key)]]);
  return Object.freeze({ primary: DEFAULT_KEY_ID, keys, allowPlaintext: allowPlaintextOf(options) });
}

/** Validates {@link Config.withEncryptionKeys} input. */
export function keyRing(options: EncryptionKeysOptions): EncryptionSettings {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('encryption', `must be an object with primary and keys, got ${show(options)}`);
  }
  const { primary, keys } = options;
  if (keys === null || typeof keys !== 'object' || keys instanceof Uint8Array) {
    throw new ConfigError('encryption.keys', `must be an object of key id to key, got ${show(keys)}`);
  }
  const ring = new Map<string, KeyObject>();
  for (const [id, material] of Object.entries(keys)) {
    if (!KEY_ID.test(id)) {
      throw new ConfigError(
        'encryption.keys',
        `key id must be 1 to 32 characters of A-Z a-z 0-9 . _ -, got ${show(id)}`,
      );
    }
    ring.set(id, parseKey(`encryption.keys.${id}`, material));
  }
  if (typeof primary !== 'string' || !ring.has(primary)) {
    throw new ConfigError(
      'encryption.primary',
      `must be one of the key ids (${[...ring.keys()].join(', ') || 'none given'}), got ${show(primary)}`,
    );
  }
  return Object.freeze({ primary, keys: ring, allowPlaintext: allowPlaintextOf(options) });
}

/** Validates {@link Config.withCompression} input. */
export function compression(options: CompressionOptions = {}): CompressionSettings {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('compression', `must be an object, got ${show(options)}`);
  }
  const threshold = configWhole('compression.threshold', options.threshold ?? 1024, { min: 0, unit: 'bytes' });
  const algorithm = options.algorithm ?? 'gzip';
  if (algorithm !== 'gzip' && algorithm !== 'brotli') {
    throw new ConfigError('compression.algorithm', `must be 'gzip' or 'brotli', got ${show(algorithm)}`);
  }
  return Object.freeze({ threshold, algorithm });
}
