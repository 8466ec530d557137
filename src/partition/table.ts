import { ValidationError } from '../errors/index.js';
import { prefixEnd } from '../keys/index.js';

/**
 * A `[start, end)` stretch of the caller's keyspace (bytes, before any
 * namespace) owned by one partition; `end === null` means "to the end".
 */
export interface Segment {
  /** The owning partition's prefix; `''` for the default partition. */
  readonly partition: string;
  readonly start: Buffer;
  readonly end: Buffer | null;
}

/** The smallest key after every key starting with `prefix`, or null when there is none. */
export function endOf(prefix: Buffer): Buffer | null {
  return prefix.some((b) => b < 0xff) ? prefixEnd(prefix) : null;
}

const before = (a: Buffer, b: Buffer | null) => b === null || Buffer.compare(a, b) < 0;
const minEnd = (a: Buffer | null, b: Buffer | null) =>
  a === null ? b : b === null || Buffer.compare(a, b) <= 0 ? a : b;
const maxStart = (a: Buffer, b: Buffer) => (Buffer.compare(a, b) >= 0 ? a : b);

/**
 * The partition layout: which partition owns which key. Each partition owns
 * the keys starting with its prefix except those a longer prefix claims; the
 * default (`''`) owns the rest. Computed once as sorted, disjoint segments
 * covering the keyspace, so any prefix or range maps to the segments it
 * crosses, already in key order.
 */
export class PartitionTable {
  /** Partition prefixes, longest first, so the first match is the longest. */
  readonly #byLength: ReadonlyArray<readonly [string, Buffer]>;
  readonly #segments: readonly Segment[];

  constructor(prefixes: readonly string[]) {
    const withBytes = prefixes.map((p) => [p, Buffer.from(p, 'utf8')] as const);
    this.#byLength = withBytes.sort((a, b) => b[1].length - a[1].length);
    this.#segments = buildSegments(
      this,
      this.#byLength.map(([, bytes]) => bytes),
    );
  }

  /** Every segment, in key order. */
  get segments(): readonly Segment[] {
    return this.#segments;
  }

  /** The prefix of the partition owning `key` (longest matching prefix), `''` for the default. */
  partitionOf(key: string): string {
    if (typeof key !== 'string') throw new ValidationError(`key must be a string, got ${typeof key}`);
    return this.ownerOf(Buffer.from(key, 'utf8'));
  }

  /** {@link PartitionTable.partitionOf} for a key given as bytes. */
  ownerOf(key: Buffer): string {
    const match = this.#byLength.find(([, p]) => p.length <= key.length && key.subarray(0, p.length).equals(p));
    return match ? match[0] : '';
  }

  /** The segments (clipped) that `[start, end)` crosses, in key order. */
  spanRange(start: Buffer, end: Buffer | null): Segment[] {
    const out: Segment[] = [];
    for (const s of this.#segments) {
      const from = maxStart(s.start, start);
      const to = minEnd(s.end, end);
      if (before(from, to)) out.push({ partition: s.partition, start: from, end: to });
    }
    return out;
  }

  /** The segments (clipped) holding keys that start with `prefix`, in key order. */
  spanPrefix(prefix: string): Segment[] {
    const bytes = Buffer.from(prefix, 'utf8');
    return this.spanRange(bytes, endOf(bytes));
  }

  /** The partitions holding keys that start with `prefix`, in key order of their first segment. */
  partitionsUnder(prefix: string): string[] {
    return [...new Set(this.spanPrefix(prefix).map((s) => s.partition))];
  }
}

/**
 * Cuts the keyspace at every partition's start and end; between two cuts
 * every key has the same longest matching prefix, so the owner of a piece is
 * the owner of its first key.
 */
function buildSegments(table: PartitionTable, prefixes: readonly Buffer[]): Segment[] {
  const cuts = new Map<string, Buffer>([['', Buffer.alloc(0)]]);
  for (const start of prefixes) {
    const end = endOf(start);
    cuts.set(start.toString('hex'), start);
    if (end) cuts.set(end.toString('hex'), end);
  }
  const sorted = [...cuts.values()].sort(Buffer.compare);
  const segments: Segment[] = [];
  sorted.forEach((start, i) => {
    const end = sorted[i + 1] ?? null;
    const partition = table.ownerOf(start);
    const last = segments[segments.length - 1];
    if (last && last.partition === partition) segments[segments.length - 1] = { ...last, end };
    else segments.push({ partition, start, end });
  });
  return segments;
}
