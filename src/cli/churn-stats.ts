import { fieldsOf } from './diff.js';

/** A field whose value changed, and how often it went back to a value it had before. */
export interface FieldChurn {
  readonly path: string;
  readonly changes: number;
  /** Changes back to a value the field had before (A → B → A counts one). */
  readonly flips: number;
  /** The distinct values seen, first ones first (at most five). */
  readonly values: unknown[];
}

interface PathState {
  changes: number;
  flips: number;
  seen: Set<string>;
  values: unknown[];
}

const MAX_VALUES = 5;

/** The writes to one key and how its fields moved. */
export class KeyChurn {
  puts = 0;
  deletes = 0;
  firstRevision = Infinity;
  lastRevision = 0;
  #last: Map<string, unknown> | undefined;
  readonly #paths = new Map<string, PathState>();

  constructor(readonly key: string) {}

  get writes(): number {
    return this.puts + this.deletes;
  }

  /** The value before the first write seen (from the watch's previous value), so the first write counts as a change. */
  start(value: Buffer): void {
    this.#last ??= fieldsOf(value);
  }

  /** One write: a put with its value, or a delete (`undefined`). */
  write(modRevision: number, value: Buffer | undefined): void {
    if (value === undefined) this.deletes++;
    else this.puts++;
    this.firstRevision = Math.min(this.firstRevision, modRevision);
    this.lastRevision = Math.max(this.lastRevision, modRevision);
    const next = value === undefined ? new Map<string, unknown>() : fieldsOf(value);
    if (this.#last) this.#compare(this.#last, next);
    this.#last = next;
  }

  #compare(before: Map<string, unknown>, after: Map<string, unknown>): void {
    for (const path of new Set([...before.keys(), ...after.keys()])) {
      const [was, now] = [JSON.stringify(before.get(path)), JSON.stringify(after.get(path))];
      if (was === now) continue;
      let state = this.#paths.get(path);
      if (!state) {
        state = { changes: 0, flips: 0, seen: new Set([was]), values: [before.get(path)] };
        this.#paths.set(path, state);
      }
      state.changes++;
      if (state.seen.has(now)) state.flips++;
      else {
        state.seen.add(now);
        if (state.values.length < MAX_VALUES) state.values.push(after.get(path));
      }
    }
  }

  /** Fields that went back and forth, most flips first. */
  flipping(): FieldChurn[] {
    return [...this.#paths]
      .filter(([, s]) => s.flips > 0)
      .map(([path, s]) => ({ path, changes: s.changes, flips: s.flips, values: s.values }))
      .sort((a, b) => b.flips - a.flips || b.changes - a.changes || (a.path < b.path ? -1 : 1));
  }
}

/** Every key's churn, busiest first. */
export class ChurnTable {
  readonly #keys = new Map<string, KeyChurn>();

  of(key: string): KeyChurn {
    let k = this.#keys.get(key);
    if (!k) this.#keys.set(key, (k = new KeyChurn(key)));
    return k;
  }

  ranked(): KeyChurn[] {
    return [...this.#keys.values()].sort(
      (a, b) => b.writes - a.writes || b.flipping().length - a.flipping().length || (a.key < b.key ? -1 : 1),
    );
  }
}
