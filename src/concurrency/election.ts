import type { Core } from '../core/core.js';
import type { CallOptions } from '../core/call.js';
import { headerRevision } from '../core/ids.js';
import type { Value } from '../codec/index.js';
import { ClosedError, LockLostError, namingKeys } from '../errors/index.js';
import type { RawRange } from '../keys/index.js';
import { encodePut } from '../kv/write.js';
import type { PutEvent } from '../kv/events.js';
import { toKeyValue, type KeyValue } from '../kv/types.js';
import type { SessionChoice } from './session-holder.js';
import { LockHandle, type Claimed } from './lock-handle.js';
import { enqueue } from './enqueue.js';
import { createdAt, firstCreated, kvsOf, putWithLease, readTxn, writeTxn } from './requests.js';
import type { Session } from './session.js';
import { Stop, type WaitOptions } from './stop.js';
import { nextEvent } from './wait.js';

/** Options of {@link Client.election}. */
export type ElectionOptions = SessionChoice;

/**
 * Leader election, the algorithm of Go's `concurrency.Election` (and
 * `etcdctl elect`): each candidate writes its value under
 * `name/<session lease id in hex>`; the key created first is the leader.
 * Leadership is a lock: it is lost with the session ({@link LockHandle.onLost}),
 * and {@link LockHandle.isOwner} fences the leader's writes.
 *
 * @example
 * ```ts
 * await using election = client.election('/elections/scheduler');
 * await election.campaign('node-1'); // resolves once leader
 * election.onLost(() => stopScheduling());
 * for await (const leader of election.observe()) console.log('leader is', leader.value.toString());
 * ```
 */
export class Election extends LockHandle {
  readonly #range: RawRange;

  /** @internal Use {@link Client.election}. */
  constructor(core: Core, name: string, options: ElectionOptions = {}) {
    super(core, 'election', name, options);
    this.#range = core.keys.prefixRange(`${name}/`);
  }

  /** True while this handle is the leader. */
  isLeader(): boolean {
    return this.isHeld();
  }

  /**
   * Stands for election with `value` and resolves once leader. Aborting (or
   * the timeout) withdraws the candidacy.
   * @throws {@link CancelledError}, {@link TimeoutError} or {@link LockLostError} as {@link Mutex.lock} does.
   */
  campaign(value: Value, options: WaitOptions = {}): Promise<void> {
    return this.blocking('campaign', options, (session, stop) => this.#campaign(value, session, stop));
  }

  /**
   * Announces a new value without a new election.
   * @throws {@link LockLostError} when this handle is not (or no longer) the leader.
   */
  async proclaim(value: Value, options: CallOptions = {}): Promise<void> {
    const hold = this.holding;
    if (!hold) throw namingKeys(new LockLostError(`election '${this.name}': not the leader`), this.name);
    const put = encodePut(this.core, hold.key, value);
    const res = await writeTxn(
      this.core,
      'proclaim',
      hold.key,
      {
        compare: [createdAt(hold.etcdKey, hold.rev)],
        success: [putWithLease(hold.etcdKey, hold.session.id, put.value)],
      },
      options,
    );
    if (!res.succeeded)
      throw namingKeys(new LockLostError(`election '${this.name}': leadership lost (its key is gone)`), this.name);
  }

  /** Gives up leadership (or the candidacy) so another candidate can lead; same as {@link LockHandle.unlock}. */
  resign(options: CallOptions = {}): Promise<void> {
    return this.unlock(options);
  }

  /** The current leader's key and value, or `undefined` when nobody leads. */
  async leader(options: CallOptions = {}): Promise<KeyValue | undefined> {
    const res = await readTxn(this.core, 'leader', this.name, [firstCreated(this.#range)], options);
    const kv = kvsOf(res, 0)[0];
    return kv && toKeyValue(this.core, kv);
  }

  /**
   * Every leader in turn, and every value it proclaims: the current one
   * first, then each change. Under a slow consumer intermediate values may be
   * skipped, never the latest (as in Go). Ends when the election handle is
   * closed; rejects with {@link CancelledError} when `signal` aborts.
   * @example `for await (const l of election.observe({ signal })) show(l.value.toString());`
   */
  async *observe(options: { signal?: AbortSignal } = {}): AsyncGenerator<KeyValue, void, undefined> {
    const stop = new Stop(`observe '${this.name}'`, options);
    stop.link(this.closedSignal, () => this.closedSignal.reason as ClosedError);
    try {
      let last: KeyValue | undefined;
      for (;;) {
        const leader = await this.#nextLeader(stop.signal);
        if (!leader) continue;
        if (!last || !sameVersion(last, leader)) yield (last = leader);
        // Follow this leader's key until it goes, reporting each proclaimed value.
        const key = this.core.keys.encode(last.key);
        for (;;) {
          const event = await nextEvent(
            this.core,
            { key, fromRevision: last.modRevision + 1, type: 'any' },
            stop.signal,
          );
          if (!event || event.type === 'delete') break;
          yield (last = keyValueOf(event));
        }
      }
    } catch (err) {
      if (stop.reason instanceof ClosedError) return;
      throw stop.explain(err);
    } finally {
      stop.dispose();
    }
  }

  /** The leader now, or the first candidate to appear; `undefined` when its revisions were compacted (read again). */
  async #nextLeader(signal: AbortSignal): Promise<KeyValue | undefined> {
    const res = await readTxn(this.core, 'observe', this.name, [firstCreated(this.#range)], { signal });
    const kv = kvsOf(res, 0)[0];
    if (kv) return toKeyValue(this.core, kv);
    const range = this.#range;
    const spec = {
      key: range.key,
      rangeEnd: range.rangeEnd,
      fromRevision: headerRevision(res) + 1,
      type: 'put',
    } as const;
    const event = await nextEvent(this.core, spec, signal);
    return event?.type === 'put' ? keyValueOf(event) : undefined;
  }

  async #campaign(value: Value, session: Session, stop: Stop): Promise<Claimed> {
    const key = `${this.name}/${session.id}`;
    const put = encodePut(this.core, key, value);
    const unclaim = this.sessions.claim(session, key);
    try {
      const what = `campaign '${this.name}'`;
      const entry = {
        range: this.#range,
        etcdKey: put.etcdKey,
        leaseId: session.id,
        value: put.value,
        what,
        operation: 'election.campaign',
      };
      return { key, etcdKey: put.etcdKey, rev: await enqueue(this.core, entry, stop.signal), unclaim };
    } catch (err) {
      unclaim();
      throw err;
    }
  }
}

function sameVersion(a: KeyValue, b: KeyValue): boolean {
  return a.key === b.key && a.modRevision === b.modRevision;
}

/** The key as a put left it. */
function keyValueOf(event: PutEvent): KeyValue {
  const { key, value, createRevision, modRevision, version, lease } = event;
  return { key, value, createRevision, modRevision, version, lease };
}
