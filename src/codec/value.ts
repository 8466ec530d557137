import { ValidationError } from '../errors/index.js';

/** What a value may be: text (stored as UTF-8) or bytes. */
export type Value = string | Uint8Array;

/** Turns a caller's value into a Buffer without copying bytes that are already a Buffer. */
export function toBuffer(value: Value, key: string): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new ValidationError(
    `value for '${String(key)}' must be a string or a Uint8Array, got ${value === null ? 'null' : typeof value}`,
  );
}
