/**
 * The smallest key greater than every key starting with `prefix`: the range
 * end etcd expects for a prefix query. An empty prefix (or one of all 0xff
 * bytes) means "to the end of the keyspace", which etcd spells `\0`.
 */
export function prefixEnd(prefix: Uint8Array): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** The key right after `key` in byte order: where the next page of a scan starts. */
export function keyAfter(key: Uint8Array): Buffer {
  const next = Buffer.allocUnsafe(key.length + 1);
  next.set(key);
  next[key.length] = 0;
  return next;
}
