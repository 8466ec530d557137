/** What routing needs of a transaction condition: the key, or the prefix with `prefix: true`. */
export interface KeyedComparison {
  readonly key: string;
  readonly prefix?: boolean;
}

/** What routing needs of a transaction operation (put, get, delete, deletePrefix, nested txn). */
export type KeyedOperation =
  | { readonly type: 'deletePrefix'; readonly prefix: string }
  | {
      readonly type: 'txn';
      readonly if: readonly KeyedComparison[];
      readonly onSuccess: readonly KeyedOperation[];
      readonly onFailure: readonly KeyedOperation[];
    }
  | {
      readonly type: 'put' | 'get' | 'delete';
      readonly key: string;
      readonly prefix?: boolean;
      readonly lease?: unknown;
    };

/** A transaction as plain data, as far as routing is concerned. */
export interface KeyedSpec {
  readonly if: readonly KeyedComparison[];
  readonly onSuccess: readonly KeyedOperation[];
  readonly onFailure: readonly KeyedOperation[];
}

/** Every key and every prefix a transaction touches, at any depth, for {@link samePartition}. */
export function spanOfSpec(spec: KeyedSpec): {
  keys: string[];
  prefixes: string[];
  leases: { key: string; lease: unknown }[];
} {
  const keys: string[] = [];
  const prefixes: string[] = [];
  const leases: { key: string; lease: unknown }[] = [];
  const keyed = (key: string, prefix: boolean | undefined) => (prefix ? prefixes : keys).push(key);
  const walk = (s: KeyedSpec): void => {
    for (const c of s.if) keyed(c.key, c.prefix);
    for (const op of [...s.onSuccess, ...s.onFailure]) {
      if (op.type === 'txn') walk(op);
      else if (op.type === 'deletePrefix') prefixes.push(op.prefix);
      else {
        keyed(op.key, op.prefix);
        if (op.lease !== undefined) leases.push({ key: op.key, lease: op.lease });
      }
    }
  };
  walk(spec);
  return { keys, prefixes, leases };
}
