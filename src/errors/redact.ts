// Errors that go to telemetry subscribers, the telemetry plugin or the logger
// must not carry keys unless keys are recorded (`recordKeys`): messages such as
// "key not found: /tenant/acme" or "'/tenant/acme/lock' lost while held" name
// them. An error knows the keys it names: its `key` field, and the strings
// marked with `namingKeys` where it is made; telemetry adds the keys it knows
// from context (the call's key, the lock's name).

const NAMED = Symbol('etcdkit.namedKeys');
/** What stands for a key in a redacted message. */
const PLACEHOLDER = '<key>';

type Named = Error & { [NAMED]?: readonly string[] };

/** Marks `err` as naming `keys` in its message, so that `redactKeys` can remove them. */
export function namingKeys<E extends Error>(err: E, ...keys: string[]): E {
  Object.defineProperty(err, NAMED, { value: keys, enumerable: false });
  return err;
}

/**
 * `err` with every key it names (and every one of `known`) replaced by
 * `<key>` in its message, stack and causes, and its `key` field left out; `err`
 * itself when it names none. The copy keeps the class, `code`, `retryable` and
 * other fields, so `instanceof` and `code` work as before.
 */
export function redactKeys<T>(err: T, known: readonly string[] = []): T {
  if (!(err instanceof Error)) return err;
  const keys = [...new Set([...known, ...keysOf(err)])].filter((k) => k.length > 0);
  if (keys.length === 0 || !mentions(err, keys)) return err;
  keys.sort((a, b) => b.length - a.length);
  return copyWithout(err, keys) as T;
}

function keysOf(err: Error, depth = 0): string[] {
  const keys: string[] = [...((err as Named)[NAMED] ?? [])];
  const key = (err as { key?: unknown }).key;
  if (typeof key === 'string') keys.push(key);
  if (key instanceof Uint8Array) keys.push(Buffer.from(key).toString('hex'), Buffer.from(key).toString('latin1'));
  if (err.cause instanceof Error && depth < 8) keys.push(...keysOf(err.cause, depth + 1));
  return keys;
}

function mentions(err: Error, keys: readonly string[], depth = 0): boolean {
  const text = `${err.message}\n${err.stack ?? ''}`;
  if (keys.some((k) => text.includes(k)) || 'key' in err) return true;
  return err.cause instanceof Error && depth < 8 && mentions(err.cause, keys, depth + 1);
}

function scrub(text: string, keys: readonly string[]): string {
  let out = text;
  for (const key of keys) out = out.split(key).join(PLACEHOLDER);
  return out;
}

function copyWithout(err: Error, keys: readonly string[], depth = 0): Error {
  const copy = Object.create(Object.getPrototypeOf(err)) as Error;
  for (const name of Reflect.ownKeys(err)) {
    if (name === 'key' || name === NAMED) continue;
    const descriptor = Object.getOwnPropertyDescriptor(err, name)!;
    let value = 'get' in descriptor && descriptor.get ? (err as never)[name] : descriptor.value;
    if (name === 'message' || name === 'stack') value = typeof value === 'string' ? scrub(value, keys) : value;
    if (name === 'cause' && value instanceof Error && depth < 8) value = copyWithout(value, keys, depth + 1);
    Object.defineProperty(copy, name, {
      value,
      writable: true,
      configurable: true,
      enumerable: descriptor.enumerable ?? false,
    });
  }
  return copy;
}
