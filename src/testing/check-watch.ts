/**
 * Checks what one watcher received against the history of the keys it
 * watched, by the six watch guarantees etcd's robustness suite names.
 */

/** An event as a watcher received it (an etcdkit `WatchEvent` fits). */
export interface CheckedEvent {
  readonly type: 'put' | 'delete';
  readonly key: string;
  /** The revision of the change. */
  readonly modRevision: number;
}

/** A progress notification: the watcher was told it is current at `progress` (e.g. what `requestProgress()` answered). */
export interface CheckedProgress {
  readonly progress: number;
}

/** What one watcher received, in the order it received it. */
export interface ReceivedWatch {
  /** The keys watched: one key, or every key under `prefix`. Give one of them. */
  readonly key?: string;
  /** The keys watched: every key starting with it. */
  readonly prefix?: string;
  /** The revision the watch was opened from (its `fromRevision`); omit when it started at the then current revision. */
  readonly startRevision?: number;
  /** Events and progress notifications, in delivery order. */
  readonly deliveries: readonly (CheckedEvent | CheckedProgress)[];
}

/** The watch guarantees, by the names etcd's robustness suite gives them. */
export type WatchGuarantee = 'ordered' | 'unique' | 'atomic' | 'reliable' | 'resumable' | 'bookmarkable';

const GUARANTEES: readonly WatchGuarantee[] = ['ordered', 'unique', 'atomic', 'reliable', 'resumable', 'bookmarkable'];

/** Options of {@link checkWatch}. */
export interface CheckWatchOptions {
  /**
   * Which guarantees to check. A watcher that by design shows only some
   * changes (an election observer shows leaders, and may skip one that came
   * and went) keeps `ordered` and `unique` only.
   * @default all six
   */
  readonly guarantees?: readonly WatchGuarantee[];
}

/** One broken guarantee, and where. */
export interface WatchViolation {
  readonly guarantee: WatchGuarantee;
  /** Index in `deliveries` where it shows, when one delivery shows it. */
  readonly index?: number;
  readonly revision?: number;
  readonly key?: string;
  readonly message: string;
}

/** What {@link checkWatch} found. */
export interface WatchCheckResult {
  /** True when no guarantee was broken. */
  readonly ok: boolean;
  /** Every violation found, at most 100. */
  readonly violations: readonly WatchViolation[];
  readonly checked: { readonly events: number; readonly expected: number; readonly progress: number };
}

const isProgress = (d: CheckedEvent | CheckedProgress): d is CheckedProgress => 'progress' in d;
const id = (e: CheckedEvent) => `${e.modRevision}\u0000${e.key}`;

/**
 * Checks one watcher's deliveries against `history`: every change made to
 * the keyspace during the run, in revision order (e.g. read afterwards with a
 * fresh watch from revision 1 of a healthy cluster). The guarantees:
 * - **ordered**: events come in revision order;
 * - **unique**: no event comes twice;
 * - **atomic**: the events of one revision arrive together, none missing;
 * - **reliable**: no event between the first expected and the last received is dropped;
 * - **resumable**: a watch opened from revision R starts with the first change at or after R;
 * - **bookmarkable**: a progress notification at R comes after every event up to R, and before any later one.
 *
 * @example
 * ```ts
 * import { checkWatch } from 'etcdkit/testing';
 * const deliveries = [];
 * for await (const ev of watch) deliveries.push(ev);
 * const result = checkWatch({ prefix: '/jobs/', startRevision: 1, deliveries }, history);
 * if (!result.ok) console.log(result.violations);
 * ```
 */
export function checkWatch(
  received: ReceivedWatch,
  history: readonly CheckedEvent[],
  options: CheckWatchOptions = {},
): WatchCheckResult {
  const matches = matcher(received);
  const start = received.startRevision ?? 0;
  const expected = history.filter((e) => matches(e.key) && e.modRevision >= start);
  const violations: WatchViolation[] = [];
  const wanted = new Set(options.guarantees ?? GUARANTEES);
  const add = (v: WatchViolation) => {
    if (violations.length < 100 && wanted.has(v.guarantee)) violations.push(v);
  };
  const events = received.deliveries.filter((d): d is CheckedEvent => !isProgress(d));
  checkOrderedUnique(received.deliveries, add);
  checkAtomic(received.deliveries, expected, add);
  checkReliable(events, expected, add);
  checkResumable(received, events, expected, add);
  checkBookmarkable(received.deliveries, expected, add);
  const progress = received.deliveries.length - events.length;
  return {
    ok: violations.length === 0,
    violations,
    checked: { events: events.length, expected: expected.length, progress },
  };
}

function matcher(received: ReceivedWatch): (key: string) => boolean {
  const { key, prefix } = received;
  if ((key === undefined) === (prefix === undefined)) throw new Error("checkWatch: give one of 'key' and 'prefix'");
  return prefix !== undefined ? (k) => k.startsWith(prefix) : (k) => k === key;
}

type Add = (v: WatchViolation) => void;

function checkOrderedUnique(deliveries: ReceivedWatch['deliveries'], add: Add): void {
  const seen = new Set<string>();
  let last = 0;
  deliveries.forEach((d, index) => {
    if (isProgress(d)) return;
    const { modRevision: revision, key } = d;
    if (revision < last) {
      add({ guarantee: 'ordered', index, revision, key, message: `revision ${revision} came after revision ${last}` });
    }
    last = Math.max(last, revision);
    if (seen.has(id(d)))
      add({ guarantee: 'unique', index, revision, key, message: `event at revision ${revision} came twice` });
    seen.add(id(d));
  });
}

/** A revision's events are contiguous and complete once a later revision (or a later delivery) shows up. */
function checkAtomic(deliveries: ReceivedWatch['deliveries'], expected: readonly CheckedEvent[], add: Add): void {
  const want = new Map<number, number>();
  for (const e of expected) want.set(e.modRevision, (want.get(e.modRevision) ?? 0) + 1);
  const closed = new Set<number>();
  let current: { revision: number; got: Set<string>; index: number } | undefined;
  const close = () => {
    if (!current) return;
    closed.add(current.revision);
    const n = want.get(current.revision) ?? current.got.size;
    if (current.got.size < n) {
      add({
        guarantee: 'atomic',
        index: current.index,
        revision: current.revision,
        message: `revision ${current.revision} arrived with ${current.got.size} of its ${n} events`,
      });
    }
  };
  deliveries.forEach((d, index) => {
    if (isProgress(d)) return;
    if (current?.revision === d.modRevision) {
      current.got.add(d.key);
      return;
    }
    close();
    if (closed.has(d.modRevision)) {
      add({
        guarantee: 'atomic',
        index,
        revision: d.modRevision,
        message: `revision ${d.modRevision} was split by another revision`,
      });
    }
    current = { revision: d.modRevision, got: new Set([d.key]), index };
  });
  close();
}

function checkReliable(events: readonly CheckedEvent[], expected: readonly CheckedEvent[], add: Add): void {
  const got = new Set(events.map(id));
  const known = new Set(expected.map(id));
  const last = events.reduce((m, e) => Math.max(m, e.modRevision), 0);
  for (const e of expected) {
    if (e.modRevision > last) break;
    if (!got.has(id(e))) {
      add({
        guarantee: 'reliable',
        revision: e.modRevision,
        key: e.key,
        message: `the ${e.type} of revision ${e.modRevision} was never delivered`,
      });
    }
  }
  events.forEach((e) => {
    if (!known.has(id(e))) {
      add({
        guarantee: 'reliable',
        revision: e.modRevision,
        key: e.key,
        message: `a ${e.type} at revision ${e.modRevision} is not in the history`,
      });
    }
  });
}

function checkResumable(
  received: ReceivedWatch,
  events: readonly CheckedEvent[],
  expected: readonly CheckedEvent[],
  add: Add,
): void {
  if (received.startRevision === undefined || events.length === 0) return;
  const first = events[0] as CheckedEvent;
  const want = expected[0];
  if (want && first.modRevision !== want.modRevision) {
    add({
      guarantee: 'resumable',
      index: received.deliveries.indexOf(first),
      revision: first.modRevision,
      message: `a watch from revision ${received.startRevision} began at revision ${first.modRevision}, not ${want.modRevision}`,
    });
  }
}

function checkBookmarkable(deliveries: ReceivedWatch['deliveries'], expected: readonly CheckedEvent[], add: Add): void {
  const delivered = new Set<string>();
  let bookmark = 0;
  deliveries.forEach((d, index) => {
    if (!isProgress(d)) {
      if (d.modRevision <= bookmark) {
        add({
          guarantee: 'bookmarkable',
          index,
          revision: d.modRevision,
          message: `revision ${d.modRevision} came after progress at ${bookmark}`,
        });
      }
      delivered.add(id(d));
      return;
    }
    const missing = expected.find((e) => e.modRevision <= d.progress && !delivered.has(id(e)));
    if (missing) {
      add({
        guarantee: 'bookmarkable',
        index,
        revision: d.progress,
        message: `progress at ${d.progress} before the event of revision ${missing.modRevision} was delivered`,
      });
    }
    bookmark = Math.max(bookmark, d.progress);
  });
}
