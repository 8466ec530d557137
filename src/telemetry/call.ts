import type { EtcdKitError } from '../errors/index.js';
import { callChannel } from './channels.js';
import type { CallContext, CallObserver as CallHooks, RetryInfo } from './types.js';

/**
 * One observed call: its context object (published on `etcdkit:call` and
 * handed to the plugin) and the plugin's observer. Only created when someone
 * listens, so an unobserved call allocates nothing for telemetry.
 */
export class CallTrace {
  readonly context: CallContext;
  readonly #hooks: CallHooks | undefined;
  readonly #publish: boolean;
  readonly #defaultEndpoint: string | undefined;
  /** What observers see of an error: without the keys it names, unless keys are recorded. */
  readonly #hide: <E>(err: E) => E;

  constructor(
    context: CallContext,
    hooks: CallHooks | undefined,
    publish: boolean,
    defaultEndpoint: string | undefined,
    hide: (<E>(err: E) => E) | undefined = undefined,
  ) {
    this.context = context;
    this.#hooks = hooks;
    this.#publish = publish;
    this.#defaultEndpoint = defaultEndpoint;
    this.#hide = hide ?? ((err) => err);
  }

  /** Runs the call, published on the tracing channel when subscribed, and tells the plugin how it ended. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const promise = this.#publish ? this.#traced(fn) : fn();
    const hooks = this.#hooks;
    if (!hooks) return promise;
    return promise.then(
      (value) => {
        safely(() => hooks.end(this.context, undefined));
        return value;
      },
      (err: unknown) => {
        safely(() => hooks.end(this.context, this.#hide(err as EtcdKitError)));
        throw err;
      },
    );
  }

  // The tracing channel publishes the error the traced function rejects with:
  // subscribers get the redacted one, the caller still gets the original.
  async #traced<T>(fn: () => Promise<T>): Promise<T> {
    let original: unknown;
    const run = () =>
      fn().catch((err: unknown) => {
        original = err;
        throw this.#hide(err);
      });
    try {
      return await callChannel.tracePromise(run, this.context);
    } catch (err) {
      throw original ?? err;
    }
  }

  /** An attempt begins. */
  attemptStarted(attempt: number): void {
    this.context.attempt = attempt;
  }

  /** An attempt ended, on `endpoint` when the call layer knows which. */
  attemptEnded(endpoint: string | undefined, error: EtcdKitError | undefined): void {
    this.context.endpoint = endpoint ?? this.#defaultEndpoint ?? this.context.endpoint;
    const hooks = this.#hooks;
    if (hooks?.attempt) safely(() => hooks.attempt!(this.context, error && this.#hide(error)));
  }

  /** The call is about to be retried. */
  retried(info: RetryInfo): void {
    const hooks = this.#hooks;
    if (hooks?.retry) safely(() => hooks.retry!(info));
  }
}

/** A plugin's failure must never break the call it observes. */
export function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // Telemetry is best effort.
  }
}
