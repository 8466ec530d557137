import { type Budget, UNLIMITED } from './budget.js';
import type { ProtoField } from './types.js';
import { plainNumber, readMessage, type WireField, type WireMessage } from './wire.js';

const strict = new TextDecoder('utf-8', { fatal: true });
// Control characters other than tab, line feed and carriage return mean "not text".
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this does
const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The bytes as text when they are printable UTF-8, else `undefined`. */
export function printableText(bytes: Uint8Array): string | undefined {
  try {
    const text = strict.decode(bytes);
    return control.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/** The bytes as text, whatever they hold (for fields the schema says are strings). */
export function asText(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

// Nesting deeper than this is shown as bytes: a value crafted to nest without
// end must not exhaust the stack.
const MAX_DEPTH = 64;

/** A field cut short: the fields it holds before the cut, or nothing (a partial string would mislead). */
function partialField(f: WireField, depth: number, budget: Budget): ProtoField | undefined {
  const bytes = f.bytes ?? new Uint8Array(0);
  if (depth >= MAX_DEPTH || printableText(bytes) !== undefined) return undefined;
  const fields = toTree(readMessage(bytes, f.dataOffset, budget).fields, depth + 1, budget);
  return fields.length > 0 ? { field: f.field, wireType: 'bytes', length: bytes.length, message: fields } : undefined;
}

function bytesField(f: WireField, depth: number, budget: Budget): ProtoField | undefined {
  if (f.truncated) return partialField(f, depth, budget);
  const bytes = f.bytes ?? new Uint8Array(0);
  const base = { field: f.field, wireType: 'bytes' as const, length: bytes.length };
  const text = printableText(bytes);
  if (text !== undefined) return { ...base, text };
  if (depth < MAX_DEPTH) {
    const inner = readMessage(bytes, f.dataOffset, budget);
    if (!inner.stop && inner.fields.length > 0) return { ...base, message: toTree(inner.fields, depth + 1, budget) };
  }
  return { ...base, base64: Buffer.from(bytes).toString('base64') };
}

/**
 * One wire field as a schema-less field: numbers as numbers, bytes as text, a
 * nested message or base64; a field cut short as the fields before the cut, or
 * `undefined`. Nested reads take from `budget`: once it is spent, bytes are shown as base64.
 */
export function toField(f: WireField, depth = 0, budget: Budget = UNLIMITED): ProtoField | undefined {
  if (f.wireType === 2) return bytesField(f, depth, budget);
  const wireType = f.wireType === 0 ? 'varint' : f.wireType === 1 ? 'fixed64' : 'fixed32';
  return { field: f.field, wireType, value: plainNumber(f.number ?? 0n) };
}

/** Wire fields as schema-less fields, nested messages decoded where they read to their end. */
export function toTree(fields: readonly WireField[], depth = 0, budget: Budget = UNLIMITED): ProtoField[] {
  return fields.map((f) => toField(f, depth, budget)).filter((f): f is ProtoField => f !== undefined);
}

/** Names of known fields, and of their fields in turn, for paths a user can read. */
export interface FieldNames {
  readonly [field: number]: readonly [name: string, inner?: FieldNames] | undefined;
}

/** Where a message's reading stopped, as the innermost field a user can look up. */
export interface Located {
  readonly offset: number;
  readonly path: string;
  readonly reason: string;
}

/**
 * The innermost place reading stopped: when the message stopped in a field
 * cut short, its partial bytes are read as a message in turn, and so on, while
 * `budget` lasts (a re-read that runs out of it says nothing more precise).
 */
export function locateStop(
  message: WireMessage,
  path: string,
  names: FieldNames = {},
  budget: Budget = UNLIMITED,
  depth = 0,
): Located | undefined {
  const stop = message.stop;
  if (!stop) return undefined;
  const named = stop.field === undefined ? undefined : names[stop.field];
  const here = stop.field === undefined ? path : `${path}.${named?.[0] ?? stop.field}`;
  const last = message.fields.at(-1);
  if (
    last?.truncated &&
    last.field === stop.field &&
    last.bytes &&
    depth < MAX_DEPTH &&
    printableText(last.bytes) === undefined
  ) {
    const inner = readMessage(last.bytes, last.dataOffset, budget);
    const deeper = budget.exhausted ? undefined : locateStop(inner, here, named?.[1], budget, depth + 1);
    if (deeper) return deeper;
  }
  return { offset: stop.offset, path: here, reason: stop.reason };
}
