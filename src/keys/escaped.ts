import { isUtf8 } from 'node:buffer';

/**
 * The escaped form of a stored key that is not valid UTF-8 (written by
 * another tool): valid sequences as text, each other byte as `\xHH` (always
 * 80-ff). For explorers, with `invalidKeys: 'escape'`.
 */
export function escapeInvalidUtf8(bytes: Buffer): string {
  let out = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes[i]!);
    if (n > 0 && i + n <= bytes.length && isUtf8(bytes.subarray(i, i + n))) {
      i += n;
      continue;
    }
    out += `${bytes.toString('utf8', start, i)}\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
    start = ++i;
  }
  return out + bytes.toString('utf8', start);
}

/** The bytes of a key in the form {@link escapeInvalidUtf8} writes: each `\xHH` (80-ff) is that byte. */
export function unescapeInvalidUtf8(key: string): Buffer {
  const parts = key.split(/\\x([89a-f][0-9a-f])/i);
  return Buffer.concat(parts.map((p, i) => (i % 2 === 1 ? Buffer.from([Number.parseInt(p, 16)]) : Buffer.from(p))));
}

/** Length of the UTF-8 sequence a lead byte starts, or 0 when it starts none. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}
