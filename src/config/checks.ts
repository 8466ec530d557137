import { ConfigError, ValidationError } from '../errors/index.js';
import { show } from './show.js';

// One check per kind of value, for config fields (ConfigError) and call
// arguments (ValidationError) alike, so each kind is refused with the same
// words wherever it is given. Durations have theirs in duration.ts.

/** The bounds of a whole number. */
export interface WholeBounds {
  /** The smallest value allowed. @default 1 */
  readonly min?: number;
  /** The largest value allowed. @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
  /** What it counts, for the message ("of attempts"); none when omitted. */
  readonly unit?: string;
}

/**
 * What is wrong with `value` as a whole number within `bounds`, or `undefined`
 * when it is one: "must be a positive whole number of bytes, got 0".
 */
export function wholeProblem(value: unknown, bounds: WholeBounds = {}): string | undefined {
  const { min = 1, max = Number.MAX_SAFE_INTEGER, unit } = bounds;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) return undefined;
  const of = unit === undefined ? '' : ` of ${unit}`;
  let kind: string;
  if (max < Number.MAX_SAFE_INTEGER) kind = `a whole number${of} from ${min} to ${max}`;
  else if (min === 1) kind = `a positive whole number${of}`;
  else if (min === 0) kind = `a non-negative whole number${of}`;
  else kind = `a whole number${of} of at least ${min}`;
  return `must be ${kind}, got ${show(value)}`;
}

/** `value` when it is a whole number within `bounds`; else a {@link ConfigError} naming the config `field`. */
export function configWhole(field: string, value: unknown, bounds?: WholeBounds): number {
  const problem = wholeProblem(value, bounds);
  if (problem !== undefined) throw new ConfigError(field, problem);
  return value as number;
}

/** `value` when it is a whole number within `bounds`; else a {@link ValidationError} naming the argument `name`. */
export function checkWhole(name: string, value: unknown, bounds?: WholeBounds): number {
  const problem = wholeProblem(value, bounds);
  if (problem !== undefined) throw new ValidationError(`${name} ${problem}`);
  return value as number;
}

/**
 * A revision given by a caller (`revision`, `fromRevision`, the range
 * filters): a positive whole number, since etcd's revisions start at 1.
 * @throws {@link ValidationError} naming `name`.
 */
export function checkRevision(name: string, value: unknown): number {
  return checkWhole(name, value);
}

/**
 * The `bufferSize` option of watches, mirrors and `stateChanges`: a positive
 * whole number of events, or `undefined` for the default.
 * @throws {@link ValidationError} for anything else.
 */
export function checkBufferSize(value: unknown): number | undefined {
  return value === undefined ? undefined : checkWhole('bufferSize', value);
}

/** `value` when it is an object (not null, not an array); else a {@link ConfigError} naming `field`. */
export function configObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, `must be an object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}
