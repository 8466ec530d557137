import { ValidationError } from '../errors/index.js';
import { Settlement } from '../events/index.js';
import { decodeToken, encodeToken, type Cursor } from './token.js';
import { inPartition, partitionLabel } from '../errors/partition-label.js';

/** What the merge needs of an event: its key and revision. */
export interface SourceEvent {
  /** The key changed. */
  readonly key: string;
  /** The revision of the change, in its own cluster. */
  readonly modRevision: number;
}

/** A stream of events of one cluster, in revision order. */
export interface EventStream<E> extends AsyncIterable<E> {
  /** Stops the stream. */
  close(): unknown;
}

/** One cluster that can be watched: what a partition's `Client` provides. */
export interface EventSource<E> {
  /** The cluster's current revision. */
  revision(): Promise<number>;
  /** Events of keys under `prefix` from `fromRevision` on (inclusive). */
  watchPrefix(
    prefix: string,
    options: { fromRevision: number; all?: boolean },
  ): EventStream<E> | Promise<EventStream<E>>;
}

/** One partition's part of a spanning watch. */
export interface WatchLeg<E> {
  /** The partition's prefix (`''` for the default). */
  readonly partition: string;
  /** What to watch in that cluster: the watched prefix, narrowed to the partition. */
  readonly prefix: string;
  readonly source: EventSource<E>;
}

/** An event of a spanning watch, tagged with the partition it comes from. */
export type PartitionedEvent<E> = E & {
  /** The prefix of the partition the event comes from (`''`: the default). */
  readonly partition: string;
};

interface Live<E> {
  readonly leg: WatchLeg<E>;
  readonly stream: EventStream<E>;
  readonly it: AsyncIterator<E>;
  cursor: Cursor;
  /** Events of `cursor.revision` still to drop on resume (already delivered before the token was taken). */
  toSkip: number;
  /** The next event being awaited; kept across calls so no event is lost to a lost race. */
  pending?: Promise<Step<E>>;
  ended: boolean;
}
type Step<E> = { live: Live<E>; result?: IteratorResult<E>; error?: unknown };

// The constraint is SourceEvent written out: that interface is the merge's plumbing, not public.
/**
 * A watch over a prefix that spans partitions: one watch per partition,
 * merged as events arrive. Events of one partition come in revision order;
 * there is no order across partitions (their revisions are unrelated counters).
 * {@link PartitionedWatch.token} is a resume token for exactly what was
 * delivered so far: a watch opened from it, in any process, continues with
 * the next event of every partition, none lost or repeated.
 */
export class PartitionedWatch<
  E extends {
    /** The key changed. */
    readonly key: string;
    /** The revision of the change, in its own cluster. */
    readonly modRevision: number;
  },
> implements AsyncIterable<PartitionedEvent<E>>, AsyncDisposable
{
  readonly #prefix: string;
  readonly #owner: (key: string) => string;
  readonly #legs: Live<E>[];
  #closed = false;
  #onClose!: () => void;
  /** Settles on close, so a pending `next()` ends even if a source never answers its own close. */
  readonly #whenClosed = new Promise<undefined>((resolve) => (this.#onClose = () => resolve(undefined)));
  readonly #done = new Settlement();

  private constructor(prefix: string, owner: (key: string) => string, legs: Live<E>[]) {
    this.#prefix = prefix;
    this.#owner = owner;
    this.#legs = legs;
  }

  /**
   * @internal Use {@link Client.watchPrefix} or {@link Client.watchPartitioned}.
   * Opens one watch per leg: from the cursors of `from` (a token), or from
   * each cluster's next revision. `owner` says which partition owns a key, so
   * a cluster's keys that belong to a more specific partition are dropped.
   * @throws {@link ValidationError} when `from` is not a token of this prefix covering every leg.
   */
  static async open<E extends SourceEvent>(
    prefix: string,
    legs: readonly WatchLeg<E>[],
    owner: (key: string) => string,
    from?: string,
  ): Promise<PartitionedWatch<E>> {
    const cursors = from === undefined ? undefined : cursorsFor(prefix, legs, from);
    const starts = await Promise.all(
      legs.map(async (leg) => {
        const cursor = cursors?.get(leg.partition) ?? { revision: await startOf(leg), skip: 0 };
        return { leg, cursor };
      }),
    );
    const opened: Live<E>[] = [];
    try {
      for (const { leg, cursor } of starts) {
        const options = { fromRevision: cursor.revision, ...(leg.prefix === '' ? { all: true } : {}) };
        const stream = await Promise.resolve(leg.source.watchPrefix(leg.prefix, options)).catch((err: unknown) => {
          throw inPartition(leg.partition, err);
        });
        opened.push({ leg, stream, it: stream[Symbol.asyncIterator](), cursor, toSkip: cursor.skip, ended: false });
      }
    } catch (err) {
      await Promise.allSettled(opened.map((l) => l.stream.close()));
      throw err;
    }
    return new PartitionedWatch(prefix, owner, opened);
  }

  /** The resume token covering every event delivered so far. Opaque; safe to store. */
  get token(): string {
    return encodeToken({ prefix: this.#prefix, cursors: new Map(this.#legs.map((l) => [l.leg.partition, l.cursor])) });
  }

  /** Settles when the watch ends: resolves on {@link PartitionedWatch.close}, rejects with the error that ended it. */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** Stops every partition's watch; iteration then ends. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#done.settle();
    this.#onClose();
    await Promise.allSettled(this.#legs.map(async (l) => l.stream.close()));
  }

  /** Same as {@link PartitionedWatch.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The merged events, each tagged with its partition; leaving the loop closes the watch. */
  [Symbol.asyncIterator](): AsyncIterator<PartitionedEvent<E>> {
    return {
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  async #next(): Promise<IteratorResult<PartitionedEvent<E>>> {
    for (;;) {
      const live = this.#legs.filter((l) => !l.ended);
      if (this.#closed || live.length === 0) return { done: true, value: undefined };
      const step = await Promise.race([this.#whenClosed, ...live.map((l) => (l.pending ??= pull(l)))]);
      if (this.#closed || step === undefined) return { done: true, value: undefined };
      step.live.pending = undefined;
      if (step.error !== undefined) {
        const err = inPartition(step.live.leg.partition, step.error);
        this.#done.settle(err);
        await this.close();
        throw err;
      }
      if (step.result!.done) {
        step.live.ended = true;
        continue;
      }
      const event = this.#accept(step.live, step.result!.value);
      if (event) return { done: false, value: event };
    }
  }

  /** Moves the partition's cursor past `event`; returns the event when it is to be delivered. */
  #accept(live: Live<E>, event: E): PartitionedEvent<E> | undefined {
    const rev = event.modRevision;
    if (rev > live.cursor.revision) {
      live.cursor = { revision: rev, skip: 0 };
      live.toSkip = 0;
    }
    // A key under a more specific partition's prefix, stored in this cluster anyway, is not this partition's.
    if (this.#owner(event.key) !== live.leg.partition) return undefined;
    if (live.toSkip > 0) {
      live.toSkip--; // delivered before the token was taken
      return undefined;
    }
    live.cursor = { revision: rev, skip: live.cursor.skip + 1 };
    return { ...event, partition: live.leg.partition };
  }
}

function pull<E>(live: Live<E>): Promise<Step<E>> {
  return live.it.next().then(
    (result) => ({ live, result }),
    (error: unknown) => ({ live, error: error ?? new Error('watch failed') }),
  );
}

async function startOf<E>(leg: WatchLeg<E>): Promise<number> {
  try {
    return (await leg.source.revision()) + 1;
  } catch (err) {
    throw inPartition(leg.partition, err);
  }
}

function cursorsFor<E>(prefix: string, legs: readonly WatchLeg<E>[], from: string): ReadonlyMap<string, Cursor> {
  const vector = decodeToken(from);
  if (vector.prefix !== prefix) {
    throw new ValidationError(`resume token is for prefix '${vector.prefix}', not '${prefix}'`);
  }
  const missing = legs.filter((l) => !vector.cursors.has(l.partition)).map((l) => partitionLabel(l.partition));
  if (missing.length > 0) {
    throw new ValidationError(
      `resume token has no revision for ${missing.join(', ')}: was the partition layout changed?`,
    );
  }
  return vector.cursors;
}
