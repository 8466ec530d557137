import { randomBytes } from 'node:crypto';

/** Key number `i` under `prefix`, zero-padded so keys sort in numeric order. */
export function keyAt(prefix: string, i: number): string {
  return `${prefix}${String(i).padStart(7, '0')}`;
}

/** `count` keys under `prefix`, each with the same random value of `valueBytes` bytes. */
export function entriesOf(prefix: string, count: number, valueBytes: number): Map<string, Buffer> {
  const value = randomBytes(valueBytes);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) entries.set(keyAt(prefix, i), value);
  return entries;
}

/** Splits `items` into runs of at most `size`. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
