import { changeLine, diffValues, type Change } from './diff.js';
import type { Output } from './output.js';
import { render } from './values.js';

/** One version of a key, as history and watch see it. */
export interface VersionLike {
  readonly modRevision: number;
  readonly version: number;
  readonly deleted: boolean;
  readonly value: Buffer;
}

/**
 * What changed in `current` since `previous` (the key's version before it):
 * `null` when there is nothing to compare with (created, deleted, or the
 * first version seen).
 */
export function changesSince(previous: VersionLike | undefined, current: VersionLike): Change[] | null {
  if (current.deleted || !previous || previous.deleted || current.version === 1) return null;
  return diffValues(previous.value, current.value);
}

/** The indented lines under a version: its changes, or why there are none. */
export function changeLines(
  out: Output,
  previous: VersionLike | undefined,
  current: VersionLike,
  raw: boolean,
): string[] {
  if (current.deleted)
    return previous && !previous.deleted
      ? [out.paint('dim', `(deleted) was ${render(previous.value, raw).summary}`)]
      : [];
  const changes = changesSince(previous, current);
  if (changes === null) {
    const why = current.version === 1 ? 'created' : 'first version seen, nothing earlier to compare with';
    return [out.paint('dim', `(${why}) ${render(current.value, raw).summary}`)];
  }
  if (changes.length === 0) return [out.paint('yellow', '(no field changed: the same value was written again)')];
  return changes.map((c) => {
    const line = changeLine(c);
    return line.startsWith('+') ? out.paint('green', line) : line.startsWith('-') ? out.paint('red', line) : line;
  });
}
