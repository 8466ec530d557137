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
