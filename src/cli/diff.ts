import { decodeValue } from './decode.js';
import { orderedEntries, readableTree } from './values.js';

/** One field (or line) that differs between two versions of a value. `before`/`after` absent: added/removed. */
export interface Change {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

const bare = /^[A-Za-z_$][\w$-]*$/;

function join(prefix: string, key: string): string {
  if (bare.test(key) || /^\d+$/.test(key)) return prefix ? `${prefix}.${key}` : key;
  return `${prefix}[${JSON.stringify(key)}]`;
}

/** Every leaf of a plain tree by its path (`spec.replicas`, `metadata.labels["app.kubernetes.io/name"]`, `2.3[0].1`). */
export function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, []);
    for (const [i, v] of value.entries()) flatten(v, `${prefix}[${i}]`, out);
  } else if (value !== null && typeof value === 'object') {
    const entries = orderedEntries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) out.set(prefix, {});
    for (const [k, v] of entries) flatten(v, join(prefix, k), out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** The fields of a value for comparing: a decoded tree, or the whole value under `(value)` when it has none. */
export function fieldsOf(bytes: Buffer): Map<string, unknown> {
  const tree = readableTree(decodeValue(bytes));
  if (tree !== undefined) return flatten(tree);
  return new Map([['(value)', bytes.toString('utf8')]]);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function fieldChanges(before: Map<string, unknown>, after: Map<string, unknown>): Change[] {
  const changes: Change[] = [];
  for (const [path, was] of before) {
    if (!after.has(path)) changes.push({ path, before: was });
    else if (!same(was, after.get(path))) changes.push({ path, before: was, after: after.get(path) });
  }
  for (const [path, now] of after) if (!before.has(path)) changes.push({ path, after: now });
  return changes;
}

// Beyond this many lines a text diff would cost too much: the whole value is one change.
const MAX_LINES = 2000;

/** Lines removed from `a` and added in `b`, by a longest common subsequence. */
export function lineChanges(a: readonly string[], b: readonly string[]): Change[] {
  if (a.length > MAX_LINES || b.length > MAX_LINES)
    return [{ path: '(value)', before: a.join('\n'), after: b.join('\n') }];
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const changes: Change[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) i++, j++;
    else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!))
      changes.push({ path: `line ${++i}`, before: a[i - 1] });
    else changes.push({ path: `line ${++j}`, after: b[j - 1] });
  }
  return changes;
}

/**
 * What changed from one version of a value to the next: decoded Kubernetes
 * values and JSON field by field, text line by line, anything else as a whole.
 * An identical write gives no change.
 */
export function diffValues(before: Buffer, after: Buffer): Change[] {
  if (before.equals(after)) return [];
  const [a, b] = [decodeValue(before), decodeValue(after)];
  if (readableTree(a) !== undefined && readableTree(b) !== undefined)
    return fieldChanges(fieldsOf(before), fieldsOf(after));
  if (a.format === 'text' && b.format === 'text') return lineChanges(a.text.split('\n'), b.text.split('\n'));
  return [
    { path: '(value)', before: `${before.length} bytes (${a.format})`, after: `${after.length} bytes (${b.format})` },
  ];
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'undefined'));

/** A change as one line: `spec.replicas: 3 → 5`, `+ path: v`, `- path: v`. */
export function changeLine(c: Change): string {
  if (!('before' in c)) return `+ ${c.path}: ${show(c.after)}`;
  if (!('after' in c)) return `- ${c.path}: ${show(c.before)}`;
  return `  ${c.path}: ${show(c.before)} → ${show(c.after)}`;
}
