import type { Clock } from './clock.js';

interface Due {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * @internal A {@link Clock} for unit tests: time moves only when the test calls
 * {@link FakeClock.tick}, which runs every timer that falls due, in order
 * (`soon` callbacks count as due at once). As cockatiel's tests drive its
 * breaker with `clock.tick`.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #due: Due[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): () => void {
    const due: Due = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#due.push(due);
    return () => {
      this.#due = this.#due.filter((d) => d !== due);
    };
  }

  soon(fn: () => void): () => void {
    return this.after(0, fn);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#due.length;
  }

  /** When the next timer fires, in ms from now; `undefined` when none waits. */
  get nextIn(): number | undefined {
    const next = this.#first();
    return next && next.at - this.#now;
  }

  /** Moves time forward by `ms`, running every timer due by then in order. */
  tick(ms: number): void {
    const until = this.#now + ms;
    for (let next = this.#first(); next && next.at <= until; next = this.#first()) {
      this.#due = this.#due.filter((d) => d !== next);
      this.#now = next.at;
      next.fn();
    }
    this.#now = until;
  }

  #first(): Due | undefined {
    let first: Due | undefined;
    for (const d of this.#due) if (!first || d.at < first.at || (d.at === first.at && d.seq < first.seq)) first = d;
    return first;
  }
}
