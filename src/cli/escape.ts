import { isUtf8 } from 'node:buffer';

/**
 * The one escaping rule of the CLI's human output. Keys, values and decoded
 * fields come from whoever wrote to etcd: a control character printed raw can
 * retitle the terminal, clear it, move the cursor or reorder text (bidi
 * overrides). Every such character is written as an escape instead.
 */

// C0 (tab and newline included: a key must stay on its line), DEL, C1, line
// and paragraph separators, lone surrogates, and the invisible format
// characters (bidi marks, overrides and isolates, zero-width space, BOM,
// interlinear annotations, soft hyphen). ZWJ and ZWNJ (U+200C, U+200D) and the
// tag characters stay: emoji sequences and scripts need them and they move
// nothing.
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}]|(?!\u200c|\u200d|[\u{e0020}-\u{e007f}])\p{Cf}/gu;

function escapeOne(c: string): string {
  const code = c.codePointAt(0)!;
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control and invisible format character escaped: C0 and
 * DEL as `\x1b`, the others as `\u009b`, `\u202e`, `\u{e0001}`. Idempotent.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

// Inside JSON the C0 controls are already `\u00XX` escapes; these may still
// appear raw in a JSON string and act on a terminal that shows it.
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\p{Cs}]|(?!\u200c|\u200d|[\u{e0020}-\u{e007f}])\p{Cf}/gu;

const jsonEscape = (c: string) =>
  [...c].length === 1 && c.length === 2
    ? `\\u${c.charCodeAt(0).toString(16)}\\u${c.charCodeAt(1).toString(16)}`
    : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `JSON.stringify(value)` with DEL, C1 and invisible format characters written
 * as `\uXXXX` too: the same JSON value, and nothing a terminal acts on.
 */
export function safeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(JSON_UNSAFE, jsonEscape);
}

/** Length of the UTF-8 sequence a lead byte starts, or 0 when it starts none. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Bytes as text: valid UTF-8 decoded, every byte that is not part of a valid
 * sequence written as `\xHH` (always 80-ff, so never confused with the `\x1b`
 * of an escaped control character). Control characters are left to
 * {@link escapeControls}.
 */
export function bytesToText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let start = 0;
  let i = 0;
  while (i < buf.length) {
    const n = sequenceLength(buf[i]!);
    if (n > 0 && i + n <= buf.length && isUtf8(buf.subarray(i, i + n))) {
      i += n;
      continue;
    }
    out += `${buf.toString('utf8', start, i)}\\x${buf[i]!.toString(16).padStart(2, '0')}`;
    start = ++i;
  }
  return out + buf.toString('utf8', start);
}
