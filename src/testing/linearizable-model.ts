/** The sequential specification the linearizability checker holds a history to: one map of keys to values. */

/** A condition of a transaction: the key holds `value` (`null`: the key is absent). */
export interface KvCompare {
  readonly key: string;
  readonly value: string | null;
}

/** One step of a transaction's branch. */
export type KvStep =
  | { readonly type: 'get'; readonly key: string }
  | { readonly type: 'put'; readonly key: string; readonly value: string }
  | { readonly type: 'delete'; readonly key: string };

/** An operation of a history. */
export type KvOperation =
  | KvStep
  /** Compare-and-swap: write `value` if the key holds `expected` (`null`: only if absent). */
  | { readonly type: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string }
  /** A transaction: `success` runs when every compare holds, else `failure`. */
  | {
      readonly type: 'txn';
      readonly compares: readonly KvCompare[];
      readonly success: readonly KvStep[];
      readonly failure?: readonly KvStep[];
    };

/** What an operation answered. */
export type KvResult =
  | { readonly type: 'get'; readonly value: string | null }
  | { readonly type: 'put' }
  /** `deleted`, when given, is checked (0 or 1). */
  | { readonly type: 'delete'; readonly deleted?: number }
  | { readonly type: 'cas'; readonly succeeded: boolean }
  /** `gets`, when given: the values read by the `get` steps of the branch that ran, in order. */
  | { readonly type: 'txn'; readonly succeeded: boolean; readonly gets?: readonly (string | null)[] };

/** A state of the model: the value of every key present. */
export type KvState = ReadonlyMap<string, string>;

/** @internal */
export interface KvModel {
  readonly init: KvState;
  /** The state after `op`, or `undefined` when `result` cannot be its answer from `state` (no result: any answer). */
  step(state: KvState, op: KvOperation, result: KvResult | undefined): KvState | undefined;
  /** A canonical text of a state, for memoisation. */
  key(state: KvState): string;
}

/** @internal Every key an operation reads or writes. */
export function keysOf(op: KvOperation): string[] {
  if (op.type !== 'txn') return [op.key];
  const keys = new Set<string>();
  for (const c of op.compares) keys.add(c.key);
  for (const s of [...op.success, ...(op.failure ?? [])]) keys.add(s.key);
  return [...keys];
}

const ABSENT = null;

function applySteps(state: KvState, steps: readonly KvStep[]): { state: KvState; gets: (string | null)[] } {
  let next: Map<string, string> | undefined;
  const gets: (string | null)[] = [];
  for (const s of steps) {
    const current = next ?? state;
    if (s.type === 'get') {
      gets.push(current.get(s.key) ?? ABSENT);
      continue;
    }
    next ??= new Map(state);
    if (s.type === 'put') next.set(s.key, s.value);
    else next.delete(s.key);
  }
  return { state: next ?? state, gets };
}

function sameGets(got: readonly (string | null)[], want: readonly (string | null)[] | undefined): boolean {
  return want === undefined || (want.length === got.length && want.every((v, i) => v === got[i]));
}

function step(state: KvState, op: KvOperation, result: KvResult | undefined): KvState | undefined {
  switch (op.type) {
    case 'get':
      if (result?.type === 'get' && (state.get(op.key) ?? ABSENT) !== result.value) return undefined;
      return state;
    case 'put':
      return applySteps(state, [op]).state;
    case 'delete': {
      const had = state.has(op.key) ? 1 : 0;
      if (result?.type === 'delete' && result.deleted !== undefined && result.deleted !== had) return undefined;
      return applySteps(state, [op]).state;
    }
    case 'cas': {
      const holds = (state.get(op.key) ?? ABSENT) === op.expected;
      if (result?.type === 'cas' && result.succeeded !== holds) return undefined;
      return holds ? applySteps(state, [{ type: 'put', key: op.key, value: op.value }]).state : state;
    }
    case 'txn': {
      const holds = op.compares.every((c) => (state.get(c.key) ?? ABSENT) === c.value);
      const ran = applySteps(state, holds ? op.success : (op.failure ?? []));
      if (result?.type === 'txn' && (result.succeeded !== holds || !sameGets(ran.gets, result.gets))) return undefined;
      return ran.state;
    }
  }
}

/** @internal */
export function kvModel(initial: Readonly<Record<string, string>>): KvModel {
  return {
    init: new Map(Object.entries(initial)),
    step,
    key: (state) => JSON.stringify([...state].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))),
  };
}

/** Values an operation saw (read, or compared equal to), as `key\0value`. */
function observed(op: KvOperation, result: KvResult | undefined): string[] {
  const pair = (key: string, value: string | null) => (value === null ? [] : [`${key}\u0000${value}`]);
  if (op.type === 'get' && result?.type === 'get') return pair(op.key, result.value);
  if (op.type === 'cas' && result?.type === 'cas' && result.succeeded) return pair(op.key, op.expected);
  if (op.type !== 'txn' || result?.type !== 'txn') return [];
  const compared = result.succeeded ? op.compares.flatMap((c) => pair(c.key, c.value)) : [];
  const reads = (result.succeeded ? op.success : (op.failure ?? [])).filter((s) => s.type === 'get');
  const read = (result.gets ?? []).flatMap((v, i) => (reads[i] ? pair(reads[i].key, v) : []));
  return [...compared, ...read];
}

/** Values an operation may write, as `key\0value`. */
function writable(op: KvOperation): string[] {
  if (op.type === 'put' || op.type === 'cas') return [`${op.key}\u0000${op.value}`];
  if (op.type !== 'txn') return [];
  return [...op.success, ...(op.failure ?? [])].flatMap((s) => (s.type === 'put' ? [`${s.key}\u0000${s.value}`] : []));
}

/** @internal Every value some operation saw was written by an operation of the history, or was there at first. */
export function explained(
  history: readonly { op: KvOperation; result?: KvResult }[],
  initial: Readonly<Record<string, string>>,
): boolean {
  const written = new Set([
    ...Object.entries(initial).map(([k, v]) => `${k}\u0000${v}`),
    ...history.flatMap((h) => writable(h.op)),
  ]);
  return history.every((h) => observed(h.op, h.result).every((v) => written.has(v)));
}
