import { ValidationError } from '../errors/index.js';

/**
 * Where a watch stands in one partition: the next revision to read, and how
 * many events of that revision were already delivered (a transaction writes
 * several keys at one revision, and a watch may stop between them).
 */
export interface Cursor {
  readonly revision: number;
  readonly skip: number;
}

/** A decoded resume token: the watched prefix and one cursor per partition (by partition prefix). */
export interface RevisionVector {
  readonly prefix: string;
  readonly cursors: ReadonlyMap<string, Cursor>;
}

const VERSION = 1;

/**
 * The opaque resume token of a vector: base64url of
 * `{ v: 1, prefix, revs: { [partition]: [revision, skip] } }`.
 */
export function encodeToken(vector: RevisionVector): string {
  const revs: Record<string, [number, number]> = {};
  for (const [p, c] of vector.cursors) revs[p] = [c.revision, c.skip];
  return Buffer.from(JSON.stringify({ v: VERSION, prefix: vector.prefix, revs }), 'utf8').toString('base64url');
}

const bad = (why: string) => new ValidationError(`invalid resume token: ${why}`);
const whole = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;

/**
 * Reads a token made by {@link encodeToken}.
 * @throws {@link ValidationError} for anything else (wrong type, damaged, unknown version).
 */
export function decodeToken(token: string): RevisionVector {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad('not a base64url string');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a token made by etcdkit');
  }
  const { v, prefix, revs } = (body ?? {}) as { v?: unknown; prefix?: unknown; revs?: unknown };
  if (v !== VERSION) throw bad(`unknown version ${JSON.stringify(v)}`);
  if (typeof prefix !== 'string') throw bad('no prefix');
  if (revs === null || typeof revs !== 'object' || Array.isArray(revs)) throw bad('no revisions');
  const cursors = new Map<string, Cursor>();
  for (const [p, c] of Object.entries(revs)) {
    if (!Array.isArray(c) || c.length !== 2 || !whole(c[0], 1) || !whole(c[1], 0)) {
      throw bad(`bad cursor for partition '${p}'`);
    }
    cursors.set(p, { revision: c[0], skip: c[1] });
  }
  return { prefix, cursors };
}
