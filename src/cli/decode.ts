import { decodeKubernetesValue, type KubernetesValue } from '../index.js';

/**
 * How deep the CLI follows a decoded JSON value. Printing, diffing and
 * `JSON.stringify` recurse, so a 10 KB value such as `[[[[…]]]]` 5,000 levels
 * deep would overflow the stack; deeper parts are replaced by {@link DEEP}.
 */
export const MAX_DEPTH = 100;

/** What stands in for the parts of a value nested deeper than {@link MAX_DEPTH}. */
export const DEEP = `<nested deeper than ${MAX_DEPTH} levels: not shown; --raw prints the value as stored>`;

const cut = new WeakSet<KubernetesValue>();

/** `value` down to `depth` more levels; recursion is bounded by {@link MAX_DEPTH}. */
function bounded(value: unknown, depth: number, found: { cut: boolean }): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth === 0) {
    found.cut = true;
    return DEEP;
  }
  if (Array.isArray(value)) return value.map((v) => bounded(v, depth - 1, found));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = bounded(v, depth - 1, found);
  return out;
}

/**
 * Decodes a value for showing, as {@link decodeKubernetesValue} does, with a
 * JSON value cut at {@link MAX_DEPTH} levels (see {@link depthCut}). Every
 * command decodes values through here.
 */
export function decodeValue(bytes: Buffer): KubernetesValue {
  const decoded = decodeKubernetesValue(bytes);
  if (decoded.format !== 'json') return decoded;
  const found = { cut: false };
  const value = bounded(decoded.value, MAX_DEPTH, found);
  if (!found.cut) return decoded;
  const shown = { ...decoded, value };
  cut.add(shown);
  return shown;
}

/** Whether {@link decodeValue} left out parts of this value nested too deep. */
export function depthCut(decoded: KubernetesValue): boolean {
  return cut.has(decoded);
}
