/**
 * How many wire fields one decode may read. Every field read becomes objects
 * (and output), so a value of a million empty fields, 1.5 MB on the wire,
 * once took seconds and a gigabyte; real objects, even a ConfigMap of ten
 * thousand keys or an EndpointSlice of a thousand endpoints, read far fewer.
 */
export const FIELD_LIMIT = 100_000;

/** Why reading stopped when the budget ran out. */
export const LIMIT_REASON = `the decoder reads at most ${FIELD_LIMIT.toLocaleString('en-US')} fields per value`;

/** A count of fields left to read in one decode, shared by every read of it. */
export class Budget {
  #left: number;
  /** Absolute offset of the first field the budget refused. */
  stoppedAt: number | undefined;
  /** The fields being read when the budget ran out, when a caller labelled them. */
  path: string | undefined;

  constructor(limit = FIELD_LIMIT) {
    this.#left = limit;
  }

  /** Takes one field at `offset`; false (and the offset kept) when none is left. */
  take(offset: number): boolean {
    if (this.#left > 0) {
      this.#left--;
      return true;
    }
    this.stoppedAt ??= offset;
    return false;
  }

  get exhausted(): boolean {
    return this.stoppedAt !== undefined;
  }

  /** Runs `read`, labelling the place with `path` if the budget runs out during it. */
  within<T>(path: string, read: () => T): T {
    const before = this.exhausted;
    const result = read();
    if (!before && this.exhausted) this.path = path;
    return result;
  }
}

/** A budget that never runs out, for reads that are bounded by other means. */
export const UNLIMITED = new Budget(Number.POSITIVE_INFINITY);
