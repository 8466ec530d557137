/**
 * A schema-less reader of the protobuf wire format: it splits a message into
 * its fields and never throws; a message that cannot be read to its end says
 * where it stopped.
 */

import { type Budget, LIMIT_REASON, UNLIMITED } from './budget.js';

/** Wire types this reader understands (3 and 4, groups, are obsolete and refused). */
export type WireType = 0 | 1 | 2 | 5;

/** One field as found on the wire. */
export interface WireField {
  readonly field: number;
  readonly wireType: WireType;
  /** Absolute offset of the field's tag in the whole value. */
  readonly offset: number;
  /** Absolute offset of the field's data (after the tag, and after the length for wire type 2). */
  readonly dataOffset: number;
  /** Wire types 0, 1 and 5: the number. */
  readonly number?: bigint;
  /** Wire type 2: the bytes (cut short when `truncated`). */
  readonly bytes?: Uint8Array;
  /** The length said more bytes than were left: `bytes` holds what there was. */
  readonly truncated?: boolean;
}

/** Where and why reading stopped. */
export interface WireStop {
  /** Absolute offset of the first byte that could not be read. */
  readonly offset: number;
  /** The field being read, when its tag was read. */
  readonly field?: number;
  readonly reason: string;
}

/** A message split into fields, with where it stopped when it could not be read to its end. */
export interface WireMessage {
  readonly fields: WireField[];
  readonly stop?: WireStop;
}

interface Varint {
  readonly value: bigint;
  readonly next: number;
}

/** A varint at `pos`, or a reason it is not one. */
function varint(buf: Uint8Array, pos: number, end: number): Varint | string {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= end) return 'the data ends inside a varint';
    const byte = buf[pos + i]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value: BigInt.asUintN(64, value), next: pos + i + 1 };
  }
  return 'a varint longer than 10 bytes';
}

function littleEndian(buf: Uint8Array, pos: number, size: number): bigint {
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(buf[pos + i]!);
  return value;
}

type Step = { read: WireField; next: number } | WireStop;

/** Reads the field whose tag starts at `pos`. `base` turns local offsets into absolute ones. */
function readField(buf: Uint8Array, pos: number, end: number, base: number): Step {
  const tag = varint(buf, pos, end);
  if (typeof tag === 'string') return { offset: base + pos, reason: tag };
  const field = Number(tag.value >> 3n);
  const wireType = Number(tag.value & 7n);
  const at = { offset: base + pos, field };
  if (field === 0 || tag.value >> 3n > 0x1fffffffn) return { ...at, reason: `invalid field number ${tag.value >> 3n}` };
  const data = tag.next;
  if (wireType === 0) {
    const v = varint(buf, data, end);
    if (typeof v === 'string') return { ...at, reason: v };
    return { read: { field, wireType, offset: base + pos, dataOffset: base + data, number: v.value }, next: v.next };
  }
  if (wireType === 1 || wireType === 5) {
    const size = wireType === 1 ? 8 : 4;
    if (data + size > end) return { ...at, reason: `a ${size * 8}-bit number needs ${size} bytes, ${end - data} left` };
    const number = littleEndian(buf, data, size);
    return { read: { field, wireType, offset: base + pos, dataOffset: base + data, number }, next: data + size };
  }
  if (wireType === 2) return readBytes(buf, pos, data, end, base, field);
  return { ...at, reason: `unsupported wire type ${wireType}` };
}

function readBytes(buf: Uint8Array, pos: number, lengthAt: number, end: number, base: number, field: number): Step {
  const length = varint(buf, lengthAt, end);
  if (typeof length === 'string') return { offset: base + pos, field, reason: length };
  const start = length.next;
  const left = end - start;
  const common = { field, wireType: 2 as const, offset: base + pos, dataOffset: base + start };
  if (length.value > BigInt(left)) {
    // Keep what is there: the caller may still read part of it.
    return { read: { ...common, bytes: buf.subarray(start, end), truncated: true }, next: end };
  }
  const stop = start + Number(length.value);
  return { read: { ...common, bytes: buf.subarray(start, stop) }, next: stop };
}

/**
 * Splits `buf` into fields. `base` is the absolute offset of `buf[0]` in the
 * whole value, so stops and fields carry offsets a user can look up. Each
 * field read takes one from `budget`; when it is spent, reading stops there.
 */
export function readMessage(buf: Uint8Array, base = 0, budget: Budget = UNLIMITED): WireMessage {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (!budget.take(base + pos)) return { fields, stop: { offset: base + pos, reason: LIMIT_REASON } };
    const step = readField(buf, pos, buf.length, base);
    if (!('read' in step)) return { fields, stop: step };
    fields.push(step.read);
    if (step.read.truncated) {
      const left = buf.length - (step.read.dataOffset - base);
      const reason = `field ${step.read.field} is longer than the ${left} bytes left`;
      return { fields, stop: { offset: step.read.offset, field: step.read.field, reason } };
    }
    pos = step.next;
  }
  return { fields };
}

/** A 64-bit number as a JavaScript number when it is exact, else as its decimal text. */
export function plainNumber(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}
