import type { EtcdKitError } from '../errors/index.js';
import { redactKeys } from '../errors/redact.js';
import { CallTrace, safely } from './call.js';
import { callSubscribed, eventChannels } from './channels.js';
import { describe, guarded } from './log.js';
import type {
  CallContext,
  CircuitInfo,
  LeaseInfo,
  ListenerErrorInfo,
  LockInfo,
  Logger,
  RetryInfo,
  Telemetry,
  TelemetryEvent,
  WatchInfo,
} from './types.js';

/** What the configuration says about telemetry. */
export interface TelemetrySettings {
  readonly telemetry: Telemetry | undefined;
  readonly logger: Logger | undefined;
  /** The partition's prefix, on a partitioned client. */
  readonly partition: string | undefined;
  readonly endpoints: readonly string[];
}

type Channel = TelemetryEvent['channel'];
type InfoOf<C extends Channel> = Extract<TelemetryEvent, { channel: C }>['info'];

/**
 * One client's telemetry: publishes calls and events on diagnostics_channel
 * when subscribed, hands them to the plugin and writes log lines. Every
 * method returns at once when nobody listens.
 */
export class Instruments {
  readonly #plugin: Telemetry | undefined;
  readonly #logger: Logger | undefined;
  readonly #partition: string | undefined;
  readonly #recordKeys: boolean;
  readonly #defaultEndpoint: string | undefined;

  constructor(settings: TelemetrySettings) {
    this.#plugin = settings.telemetry;
    // Bound to the user's object (pino's methods need their `this`) and guarded.
    this.#logger = settings.logger && guarded(settings.logger);
    this.#partition = settings.partition;
    this.#recordKeys = settings.telemetry?.recordKeys === true;
    // With one endpoint the call layer does not track where attempts go: it can only be this one.
    this.#defaultEndpoint = settings.endpoints.length === 1 ? settings.endpoints[0] : undefined;
  }

  /** True when keys and lock names may be recorded. */
  get recordKeys(): boolean {
    return this.#recordKeys;
  }

  /** Starts observing a call, or returns undefined (allocating nothing) when nobody listens. */
  startCall(kind: 'read' | 'write', operation: string, key: string | undefined): CallTrace | undefined {
    const publish = callSubscribed();
    const start = this.#plugin?.startCall;
    if (!publish && !start) return undefined;
    const context: CallContext = { operation, kind, endpoint: this.#defaultEndpoint, attempt: 0 };
    if (this.#partition !== undefined) (context as { partition?: string }).partition = this.#partition;
    if (this.#recordKeys && key !== undefined) (context as { key?: string }).key = key;
    let hooks;
    if (start) {
      try {
        hooks = start.call(this.#plugin, context);
      } catch {
        hooks = undefined;
      }
    }
    const hide = this.#recordKeys ? undefined : <E>(err: E): E => redactKeys(err, key === undefined ? [] : [key]);
    return new CallTrace(context, hooks, publish, this.#defaultEndpoint, hide);
  }

  /** A call is retried. */
  retry(trace: CallTrace | undefined, make: () => Omit<RetryInfo, 'partition'>): void {
    if (!trace && !this.wants('retry')) return;
    const made = this.#hidden(make());
    const info = this.#tag(made.endpoint === undefined ? { ...made, endpoint: this.#defaultEndpoint } : made);
    trace?.retried(info);
    this.#emit('retry', info);
    this.#logger?.debug(describe.retry(info), `etcdkit: retrying ${info.operation} (attempt ${info.attempt})`);
  }

  /** An endpoint's circuit opened or closed. */
  circuit(endpoint: string, state: 'open' | 'closed', error?: EtcdKitError): void {
    if (!this.wants('circuit')) return;
    const info: CircuitInfo = this.#tag(error ? { endpoint, state, error: this.#hide(error) } : { endpoint, state });
    this.#emit('circuit', info);
    if (state === 'open')
      this.#logger?.warn(
        describe.circuit(info),
        `etcdkit: endpoint ${endpoint} is failing; calls fail over to the others`,
      );
    else this.#logger?.info(describe.circuit(info), `etcdkit: endpoint ${endpoint} is back`);
  }

  /** A watch reconnects, resumes, or delivered events (hot: check {@link Instruments.wants} first). */
  watch(event: WatchInfo): void {
    const log = this.#logger;
    if (!this.wants('watch')) return;
    const info = this.#tag(this.#hidden(event));
    this.#emit('watch', info);
    if (!log || info.type === 'delivered') return;
    if (info.type === 'reconnect') log.warn(describe.watch(info), 'etcdkit: watch stream broke; reconnecting');
    else log.info(describe.watch(info), `etcdkit: watch resumed from revision ${info.fromRevision}`);
  }

  /** A lease was renewed, missed a renewal, or was lost. */
  lease(event: LeaseInfo): void {
    if (!this.wants('lease')) return;
    const info = this.#tag(this.#hidden(event));
    this.#emit('lease', info);
    const log = this.#logger;
    if (!log || info.type === 'renewed') return;
    if (info.type === 'lost')
      log.warn(describe.lease(info), `etcdkit: lease ${info.leaseId} lost: ${info.error.message}`);
    else log.warn(describe.lease(info), `etcdkit: lease ${info.leaseId} renewal unanswered; reopening its stream`);
  }

  /** A lock was acquired, released or lost. `name` is dropped unless keys are recorded. */
  lock(event: LockInfo): void {
    if (!this.wants('lock')) return;
    const info = this.#tag(this.#recordKeys ? event : this.#hidden(withoutName(event), event.name));
    this.#emit('lock', info);
    if (info.type === 'lost')
      this.#logger?.error(describe.lock(info), `etcdkit: ${info.lock} lost while held: ${info.error.message}`);
  }

  /**
   * A listener or callback of the user's threw (see {@link ListenerErrorInfo}):
   * published and logged, never rethrown. With nobody to tell (no logger, no
   * subscriber, no plugin), a process warning says so rather than nothing.
   */
  listenerError(source: string, error: unknown): void {
    const info: ListenerErrorInfo = this.#tag({ source, error });
    this.#emit('listener', info);
    // Whatever was thrown (even an object whose toString throws) must not escape from here.
    safely(() => {
      const text = `etcdkit: a ${source} listener threw: ${error instanceof Error ? error.message : String(error)}`;
      const log = this.#logger;
      if (log) log.error({ event: 'listener-error', source, error: errorName(error), partition: info.partition }, text);
      else if (!eventChannels.listener.hasSubscribers && !this.#plugin?.event) warn(text);
    });
  }

  /** Connection-state changes, for the log only (they have their own events on the client). */
  connection(type: string, error: EtcdKitError | undefined): void {
    const log = this.#logger;
    if (!log) return;
    const fields = error ? { state: type, code: error.code } : { state: type };
    if (type === 'reconnecting') log.warn(fields, `etcdkit: call failed (${error?.code ?? 'unknown'}); reconnecting`);
    else if (type === 'disconnected') log.error(fields, 'etcdkit: no endpoint reachable');
    else if (type === 'connected') log.info(fields, 'etcdkit: connected');
  }

  /** True when someone listens to `channel`'s events: a subscriber, the plugin or the logger. */
  wants(channel: Channel): boolean {
    return this.#logger !== undefined || this.#plugin?.event !== undefined || eventChannels[channel].hasSubscribers;
  }

  /** `error` without the keys it names, unless keys are recorded. */
  #hide<E>(error: E, ...known: (string | undefined)[]): E {
    return this.#recordKeys
      ? error
      : redactKeys(
          error,
          known.filter((k) => k !== undefined),
        );
  }

  /** `info` with its `error` (if any) passed through {@link Instruments.#hide}. */
  #hidden<T extends object>(info: T, ...known: (string | undefined)[]): T {
    if (this.#recordKeys || !('error' in info) || info.error === undefined) return info;
    return { ...info, error: this.#hide(info.error, ...known) };
  }

  #tag<T extends object>(info: T): T {
    return this.#partition === undefined ? info : { ...info, partition: this.#partition };
  }

  #emit<C extends Channel>(channel: C, info: InfoOf<C>): void {
    const ch = eventChannels[channel];
    if (ch.hasSubscribers) safely(() => ch.publish(info));
    const event = this.#plugin?.event;
    if (event) safely(() => event.call(this.#plugin, { channel, info } as TelemetryEvent));
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function warn(text: string): void {
  process.emitWarning(text, { code: 'ETCDKIT_LISTENER_ERROR' });
}

function withoutName(info: LockInfo): LockInfo {
  if (info.name === undefined) return info;
  const { name: _name, ...rest } = info;
  return rest as LockInfo;
}
