/** What a {@link Comparison} looks at. */
export type CompareTarget = 'value' | 'version' | 'createRevision' | 'modRevision' | 'lease';

/** How a {@link Comparison} compares. */
export type CompareOp = '==' | '!=' | '<' | '>';

/**
 * One condition of a transaction, as plain data. `createRevision == 0`
 * means "the key does not exist". Keys are the caller's keys (the client's
 * namespace is added when the transaction is sent).
 *
 * @example
 * ```ts
 * const absent: Comparison = { key: '/job/owner', target: 'createRevision', op: '==', operand: 0 };
 * ```
 */
export interface Comparison {
  /** The key compared (or the start of the range, with `prefix`). */
  readonly key: string;
  /** Compare every key starting with `key` (all must satisfy the condition). */
  readonly prefix?: boolean;
  /** Required, with `prefix`, to compare the empty prefix, which covers every key (of the namespace). */
  readonly all?: boolean;
  /** What is compared: the value or one of the key's counters. */
  readonly target: CompareTarget;
  /** How the target is compared with `operand`. */
  readonly op: CompareOp;
  /**
   * A number for `version`, `createRevision` and `modRevision`; a hex lease
   * id (or `'0'` for none) for `lease`; a string or bytes for `value`.
   */
  readonly operand: number | string | Uint8Array;
}

/** Options of the {@link compare} helpers. */
export interface CompareOptions {
  /** Compare every key starting with `key` instead of `key` alone. */
  readonly prefix?: boolean;
  /** Required with `prefix` and the empty key `''`, which covers every key (of the namespace). */
  readonly all?: boolean;
}

function make(
  target: CompareTarget,
  key: string,
  op: CompareOp,
  operand: Comparison['operand'],
  options?: CompareOptions,
): Comparison {
  if (!options?.prefix) return { key, target, op, operand };
  return options.all
    ? { key, prefix: true, all: true, target, op, operand }
    : { key, prefix: true, target, op, operand };
}

/**
 * Constructors of {@link Comparison}s, the conditions of a transaction.
 * Each returns plain data, so comparisons built elsewhere (e.g. a mutex's
 * `isOwner()`) mix freely with these.
 *
 * @example
 * ```ts
 * await client
 *   .txn()
 *   .if(compare.modRevision('/cfg', '==', seen), compare.absent('/cfg.lock'))
 *   .onSuccess(op.put('/cfg', next))
 *   .commit();
 * ```
 */
export const compare = Object.freeze({
  /**
   * The stored value against `value`. Byte comparison on the server: refused
   * when the client's value pipeline transforms values (encryption,
   * compression); guard on `compare.modRevision` instead.
   */
  value: (key: string, op: CompareOp, value: string | Uint8Array, options?: CompareOptions): Comparison =>
    make('value', key, op, value, options),
  /** How many times the key was written since its creation (0 when absent). */
  version: (key: string, op: CompareOp, version: number, options?: CompareOptions): Comparison =>
    make('version', key, op, version, options),
  /** The revision that created the key (0 when absent). A mutex's fencing token. */
  createRevision: (key: string, op: CompareOp, revision: number, options?: CompareOptions): Comparison =>
    make('createRevision', key, op, revision, options),
  /** The revision of the key's last write (0 when absent). The guard of optimistic updates. */
  modRevision: (key: string, op: CompareOp, revision: number, options?: CompareOptions): Comparison =>
    make('modRevision', key, op, revision, options),
  /** The lease (hex id, `'0'` for none) the key is attached to. */
  lease: (key: string, op: CompareOp, lease: string, options?: CompareOptions): Comparison =>
    make('lease', key, op, lease, options),
  /** The key exists (with `prefix`: at least one key starts with `key`). */
  exists: (key: string, options?: CompareOptions): Comparison => make('createRevision', key, '>', 0, options),
  /** The key does not exist (with `prefix`: no key starts with `key`). */
  absent: (key: string, options?: CompareOptions): Comparison => make('createRevision', key, '==', 0, options),
});
