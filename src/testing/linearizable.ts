/**
 * A linearizability checker for key/value histories (Wing & Gong's search
 * with Lowe's memoisation, as porcupine does it), split per group of keys
 * that operations touch together, with ambiguous operations handled the way
 * porcupine does: an operation whose outcome is unknown may have taken effect
 * at any point after its call, or never.
 */
import {
  explained,
  type KvModel,
  type KvOperation,
  type KvResult,
  type KvState,
  keysOf,
  kvModel,
} from './linearizable-model.js';

export type { KvCompare, KvOperation, KvResult, KvStep } from './linearizable-model.js';

/** One operation of a recorded history. */
export interface HistoryOperation {
  /** Who made the call (for messages only). */
  readonly client?: string | number;
  /** What was asked. */
  readonly op: KvOperation;
  /** When the call was made, on any clock that all clients share (e.g. `performance.now()`). */
  readonly start: number;
  /**
   * When its answer arrived. Leave it out when the outcome is unknown (a
   * timeout, an `AmbiguousWriteError`): the operation may then have taken
   * effect at any time after `start`, or not at all. Leave out operations that
   * failed definitely (etcd refused them: they changed nothing).
   */
  readonly end?: number;
  /** What it answered; required when `end` is given. */
  readonly result?: KvResult;
}

/** What {@link checkLinearizable} found. */
export interface LinearizabilityResult {
  /** True when the history is linearizable. */
  readonly ok: boolean;
  /** `undecided` when the search ran out of its step budget. */
  readonly verdict: 'linearizable' | 'violation' | 'undecided';
  /** The keys of the group that failed (or was undecided). */
  readonly keys?: readonly string[];
  /**
   * With a violation: a smallest sub-history found that is still not
   * linearizable (every operation in it is needed), sorted by `start`.
   */
  readonly counterExample?: readonly HistoryOperation[];
  /** What was checked. */
  readonly checked: {
    readonly operations: number;
    readonly ambiguous: number;
    readonly groups: number;
  };
}

/** Options of {@link checkLinearizable}. */
export interface CheckLinearizableOptions {
  /** The value of every key before the history began. @default every key absent */
  readonly initial?: Readonly<Record<string, string>>;
  /** Search steps allowed per group of keys before giving up as `undecided`. @default 5_000_000 */
  readonly maxSteps?: number;
  /** Largest group (in operations) whose counter-example is minimised. @default 400 */
  readonly minimizeUpTo?: number;
}

/**
 * Checks that a history of key/value operations made by several clients
 * against one etcd is linearizable: there is one order of all operations,
 * consistent with real time (an operation that ended before another started
 * comes first), in which every answer is what a single copy of the data would
 * have given.
 *
 * @example
 * ```ts
 * import { checkLinearizable } from 'etcdkit/testing';
 * const result = checkLinearizable([
 *   { op: { type: 'put', key: 'k', value: '1' }, start: 0, end: 2, result: { type: 'put' } },
 *   { op: { type: 'get', key: 'k' }, start: 3, end: 4, result: { type: 'get', value: null } },
 * ]);
 * result.ok; // false: the get began after the put ended and must see '1'
 * ```
 * @throws Error when the history is malformed (an `end` before its `start`, an `end` without `result`).
 */
export function checkLinearizable(
  history: readonly HistoryOperation[],
  options: CheckLinearizableOptions = {},
): LinearizabilityResult {
  validateHistory(history);
  const model = kvModel(options.initial ?? {});
  const maxSteps = options.maxSteps ?? 5_000_000;
  const groups = groupByKeys(history);
  const checked = {
    operations: history.length,
    ambiguous: history.filter((h) => h.end === undefined).length,
    groups: groups.length,
  };
  let undecided: readonly string[] | undefined;
  for (const group of groups) {
    const verdict = search(group.ops, model, maxSteps);
    if (verdict === 'undecided') {
      undecided ??= group.keys;
      continue;
    }
    if (verdict === 'violation') {
      const counterExample = minimize(group.ops, model, maxSteps, options.minimizeUpTo ?? 400, options.initial ?? {});
      return { ok: false, verdict, keys: group.keys, counterExample, checked };
    }
  }
  if (undecided) return { ok: false, verdict: 'undecided', keys: undecided, checked };
  return { ok: true, verdict: 'linearizable', checked };
}

function validateHistory(history: readonly HistoryOperation[]): void {
  history.forEach((h, i) => {
    if (!Number.isFinite(h.start)) throw new Error(`history[${i}]: 'start' must be a finite number`);
    if (h.end === undefined) return;
    if (!Number.isFinite(h.end) || h.end < h.start) {
      throw new Error(`history[${i}]: 'end' must be a finite number not before 'start'`);
    }
    if (!h.result) throw new Error(`history[${i}]: an operation with an 'end' needs its 'result'`);
    if (h.result.type !== h.op.type) {
      throw new Error(`history[${i}]: a '${h.op.type}' operation has a '${h.result.type}' result`);
    }
  });
}

interface Group {
  readonly keys: string[];
  readonly ops: HistoryOperation[];
}

/** Operations that share no key are independent: each connected group of keys is checked alone (P-compositionality). */
function groupByKeys(history: readonly HistoryOperation[]): Group[] {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(k, root);
    return root;
  };
  for (const h of history) {
    const keys = keysOf(h.op);
    for (const k of keys) if (!parent.has(k)) parent.set(k, k);
    for (const k of keys.slice(1)) parent.set(find(k), find(keys[0] as string));
  }
  const groups = new Map<string, Group>();
  for (const h of history) {
    const first = keysOf(h.op)[0];
    const root = first === undefined ? '' : find(first);
    let group = groups.get(root);
    if (!group) {
      group = { keys: [], ops: [] };
      groups.set(root, group);
    }
    group.ops.push(h);
  }
  for (const k of parent.keys()) groups.get(find(k))?.keys.push(k);
  return [...groups.values()];
}

interface Entry {
  readonly id: number;
  readonly call: boolean;
  readonly time: number;
  readonly op: HistoryOperation;
  match: Entry | undefined;
  prev: Entry | undefined;
  next: Entry | undefined;
}

function entries(ops: readonly HistoryOperation[]): Entry {
  const list: Entry[] = [];
  ops.forEach((op, id) => {
    const call: Entry = { id, call: true, time: op.start, op, match: undefined, prev: undefined, next: undefined };
    const ret: Entry = {
      id,
      call: false,
      time: op.end ?? Number.POSITIVE_INFINITY,
      op,
      match: undefined,
      prev: undefined,
      next: undefined,
    };
    call.match = ret;
    list.push(call, ret);
  });
  // Calls before returns at equal times: operations that touch are concurrent (the permissive reading).
  list.sort((a, b) => a.time - b.time || (a.call === b.call ? 0 : a.call ? -1 : 1));
  const head: Entry = {
    id: -1,
    call: false,
    time: Number.NEGATIVE_INFINITY,
    op: ops[0] as HistoryOperation,
    match: undefined,
    prev: undefined,
    next: undefined,
  };
  let last = head;
  for (const e of list) {
    last.next = e;
    e.prev = last;
    last = e;
  }
  return head;
}

function lift(e: Entry): void {
  unlink(e);
  if (e.match) unlink(e.match);
}

function unlink(e: Entry): void {
  if (e.prev) e.prev.next = e.next;
  if (e.next) e.next.prev = e.prev;
}

function unlift(e: Entry): void {
  const m = e.match as Entry;
  if (m.prev) m.prev.next = m;
  if (m.next) m.next.prev = m;
  if (e.prev) e.prev.next = e;
  if (e.next) e.next.prev = e;
}

class Bitset {
  readonly #words: Uint32Array;
  constructor(size: number) {
    this.#words = new Uint32Array(Math.ceil(size / 32));
  }
  set(i: number): void {
    this.#words[i >>> 5] = (this.#words[i >>> 5] as number) | (1 << (i & 31));
  }
  clear(i: number): void {
    this.#words[i >>> 5] = (this.#words[i >>> 5] as number) & ~(1 << (i & 31));
  }
  key(): string {
    return this.#words.join(',');
  }
}

/** The search: linearize a pending call whose answer fits, or backtrack; memoised on (linearized set, state). */
function search(
  ops: readonly HistoryOperation[],
  model: KvModel,
  maxSteps: number,
): 'linearizable' | 'violation' | 'undecided' {
  const head = entries(ops);
  const linearized = new Bitset(ops.length);
  const seen = new Set<string>();
  const stack: { entry: Entry; state: KvState }[] = [];
  let state = model.init;
  let entry = head.next;
  for (let steps = 0; head.next; steps++) {
    if (steps > maxSteps) return 'undecided';
    if (!entry) return 'violation';
    if (entry.call) {
      const next = model.step(state, entry.op.op, entry.op.end === undefined ? undefined : entry.op.result);
      if (next !== undefined) {
        linearized.set(entry.id);
        const memo = `${model.key(next)}|${linearized.key()}`;
        if (!seen.has(memo)) {
          seen.add(memo);
          stack.push({ entry, state });
          state = next;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized.clear(entry.id);
      }
      entry = entry.next;
      continue;
    }
    // A return whose call could not be linearized first: undo the last choice.
    const top = stack.pop();
    if (!top) return 'violation';
    linearized.clear(top.entry.id);
    state = top.state;
    unlift(top.entry);
    entry = top.entry.next;
  }
  return 'linearizable';
}

/**
 * Greedy one-at-a-time removal: what is left still fails, and removing any
 * one operation of it would not, or would leave a value read that nothing
 * left wrote (a different, trivial violation).
 */
function minimize(
  ops: readonly HistoryOperation[],
  model: KvModel,
  maxSteps: number,
  limit: number,
  initial: Readonly<Record<string, string>>,
): HistoryOperation[] {
  let current = [...ops].sort((a, b) => a.start - b.start);
  const fails = (h: readonly HistoryOperation[]) => search(h, model, maxSteps) === 'violation';
  // Shortest failing prefix by start time first: cheap, and usually where the trouble is.
  for (let n = 1; n < current.length; n *= 2) {
    if (fails(current.slice(0, n))) {
      current = current.slice(0, n);
      break;
    }
  }
  if (current.length > limit) return current;
  // Passes until none removes anything: then every operation left is needed.
  for (let removed = true; removed; ) {
    removed = false;
    for (let i = current.length - 1; i >= 0; i--) {
      const without = current.filter((_, j) => j !== i);
      if (explained(without, initial) && fails(without)) {
        current = without;
        removed = true;
      }
    }
  }
  return current;
}
