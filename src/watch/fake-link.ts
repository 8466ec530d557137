import type { IEvent, IWatchCreateRequest, IWatchResponse } from 'etcd3';
import { identityCodec } from '../codec/index.js';
import { Config } from '../config/index.js';
import type { Core } from '../core/core.js';
import type { Attached, StreamHandlers } from '../core/stream.js';
import { Keyspace } from '../keys/index.js';
import { Instruments } from '../telemetry/index.js';
import type { RawStream } from '../transport/index.js';
import type { WatchLink } from './link.js';

// Test doubles for the watch engine's unit tests: a stream and a link that
// behave as etcd's watch protocol does, driven by hand, with no server.

/** @internal A core with no connection: enough for a watch on a {@link FakeLink}. */
export function offlineCore(): Core {
  const telemetry = new Instruments({ telemetry: undefined, logger: undefined, partition: undefined, endpoints: [] });
  return {
    config: Config.defaults(),
    keys: new Keyspace(''),
    codec: identityCodec,
    caller: { closed: false, telemetry },
    resources: new Set(),
  } as Core;
}

/** @internal A watch stream that records what the engine did to it. */
export class FakeStream implements RawStream {
  readonly written: unknown[] = [];
  canceled = false;
  paused = false;
  write(item: unknown): void {
    this.written.push(item);
  }
  cancel(): void {
    this.canceled = true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  on(): this {
    return this;
  }
  removeAllListeners(): this {
    return this;
  }
}

/** @internal One attach the engine asked for, not answered yet. */
interface Asked {
  readonly request: IWatchCreateRequest;
  readonly handlers: StreamHandlers;
  readonly resolve: (a: Attached) => void;
  readonly reject: (err: unknown) => void;
}

/** @internal A watcher created on the fake server: what the test sends on it, and how it breaks. */
export interface LiveWatcher {
  readonly stream: FakeStream;
  send(res: Partial<IWatchResponse> & { readonly rev: number }): void;
  break(err: unknown): void;
}

let ids = 0;

/** @internal The engine's link to a fake server: each attach waits until the test answers it. */
export class FakeLink implements WatchLink {
  readonly asked: Asked[] = [];
  tokensForgotten = 0;

  attach(request: IWatchCreateRequest, handlers: StreamHandlers): Promise<Attached> {
    return new Promise<Attached>((resolve, reject) => this.asked.push({ request, handlers, resolve, reject }));
  }

  forgetToken(): void {
    this.tokensForgotten++;
  }

  /** The revision the latest attach asked to start from (0: none given). */
  get lastFrom(): number {
    return Number(this.asked.at(-1)?.request.start_revision ?? 0);
  }

  /** Answers the latest attach: the watcher is created at header revision `rev`. */
  create(rev: number): LiveWatcher {
    const asked = this.#latest();
    const stream = new FakeStream();
    const watchId = String(++ids);
    const created = response({ rev, created: true, watch_id: watchId });
    asked.resolve({ stream, created });
    asked.handlers.onResponse(stream, created);
    return {
      stream,
      send: (res) => asked.handlers.onResponse(stream, response({ watch_id: watchId, ...res })),
      break: (err) => asked.handlers.onBroken(stream, err),
    };
  }

  /** Refuses the latest attach with `err`. */
  refuse(err: unknown): void {
    this.#latest().reject(err);
  }

  #latest(): Asked {
    const asked = this.asked.at(-1);
    if (!asked) throw new Error('no attach was asked for');
    return asked;
  }
}

/** @internal A watch response as etcd3 decodes it. */
export function response(res: Partial<IWatchResponse> & { readonly rev: number }): IWatchResponse {
  const { rev, ...rest } = res;
  return {
    header: { cluster_id: '1', member_id: '1', revision: String(rev), raft_term: '2' },
    watch_id: '0',
    created: false,
    canceled: false,
    compact_revision: '0',
    cancel_reason: '',
    fragment: false,
    events: [],
    ...rest,
  } as IWatchResponse;
}

/** @internal A put event of `key` at revision `rev` (value `key@rev`). */
export function put(key: string, rev: number): IEvent {
  return {
    type: 'Put',
    kv: {
      key: Buffer.from(key),
      value: Buffer.from(`${key}@${rev}`),
      create_revision: String(rev),
      mod_revision: String(rev),
      version: '1',
      lease: '0',
    },
    prev_kv: undefined as never, // absent
  } as IEvent;
}
