import diagnostics from 'node:diagnostics_channel';
import type { CallContext } from './types.js';

/** Every client call: start / end / asyncStart / asyncEnd / error, with a {@link CallContext}. */
export const callChannel = diagnostics.tracingChannel<unknown, CallContext>('etcdkit:call');

/** The named event channels, by their short name. */
export const eventChannels = {
  retry: diagnostics.channel('etcdkit:retry'),
  circuit: diagnostics.channel('etcdkit:circuit'),
  watch: diagnostics.channel('etcdkit:watch'),
  lease: diagnostics.channel('etcdkit:lease'),
  lock: diagnostics.channel('etcdkit:lock'),
  listener: diagnostics.channel('etcdkit:listener'),
} as const;

// Read by name: Node 20's typings (and runtime) lack the tracing channel's own `hasSubscribers`.
const whole = {
  get hasSubscribers(): boolean | undefined {
    return Reflect.get(callChannel, 'hasSubscribers') as boolean | undefined;
  },
};

/**
 * True when anyone listens to `etcdkit:call`. Node 22 has the tracing
 * channel's own `hasSubscribers`; Node 20 only has each sub-channel's.
 */
export function callSubscribed(): boolean {
  const own = whole.hasSubscribers;
  if (own !== undefined) return own;
  const c = callChannel;
  return (
    c.start.hasSubscribers ||
    c.end.hasSubscribers ||
    c.asyncStart.hasSubscribers ||
    c.asyncEnd.hasSubscribers ||
    c.error.hasSubscribers
  );
}
