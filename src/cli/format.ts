import { isUtf8 } from 'node:buffer';
import type { KeyValue } from '../index.js';
import { bytesToText } from './escape.js';
import { UsageError } from './types.js';

/** `20480` → `20.0 KiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A value as text when it is printable UTF-8, otherwise as base64. */
export interface ShownValue {
  readonly encoding: 'utf8' | 'base64';
  readonly value: string;
}

const strict = new TextDecoder('utf-8', { fatal: true });
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control bytes is the point
const binary = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function showValue(bytes: Buffer): ShownValue {
  try {
    const text = strict.decode(bytes);
    if (!binary.test(text)) return { encoding: 'utf8', value: text };
  } catch {
    // not UTF-8: fall through to base64
  }
  return { encoding: 'base64', value: bytes.toString('base64') };
}

/**
 * How a value reads on a terminal: UTF-8 text as is (the output escapes its
 * control characters), anything else as an escaped preview.
 */
export function valueForHumans(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  const preview = bytesToText(bytes.subarray(0, 200));
  return `<${bytes.length} bytes of binary data; --json gives base64> ${preview}${bytes.length > 200 ? '…' : ''}`;
}

/** A key's metadata without its value, for listings. */
export function keyInfo(kv: KeyValue): Record<string, unknown> {
  return {
    key: kv.key,
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    lease: kv.lease ?? null,
  };
}

/** Parses a positive whole number given on the command line. */
export function wholeNumber(what: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`${what} must be a positive whole number, got '${text}'`);
  return n;
}

/** Parses a duration given on the command line: `90s`, `2m`, `500ms`, `1h`, or a number of seconds. */
export function durationMs(what: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = typeof text === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim()) : null;
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const ms = m ? Number(m[1]) * scale[(m[2] ?? 's') as keyof typeof scale] : NaN;
  if (!Number.isFinite(ms) || ms <= 0)
    throw new UsageError(`${what} must be a duration such as 60s, 2m or 500ms, got '${text}'`);
  return ms;
}

/**
 * Parses a member or lease id given on the command line: hex, with or
 * without leading zeros (etcdctl prints `694d77aa9e38260f`; some tools pad to
 * 16 digits). Returns it as etcdkit prints ids everywhere: lowercase hex
 * without leading zeros.
 */
export function hexId(what: string, text: string | undefined): string {
  if (text === undefined || !/^[0-9a-f]{1,16}$/i.test(text))
    throw new UsageError(`${what} must be a hex id of 1 to 16 digits (as etcdctl prints it), got '${text ?? ''}'`);
  return BigInt(`0x${text}`).toString(16);
}

/** Parses a ratio between 0 and 1 given on the command line, such as `0.2`. */
export function ratio(what: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = typeof text === 'string' && /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 1)) throw new UsageError(`${what} must be a number from 0 to 1, such as 0.2, got '${text}'`);
  return n;
}
