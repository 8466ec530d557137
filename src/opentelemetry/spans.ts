import { SpanKind, SpanStatusCode, type Attributes, type Context, type Tracer } from '@opentelemetry/api';
import type { CallContext, CallObserver } from '../telemetry/types.js';
import { errorType, serverAttributes } from './attributes.js';
import type { Meters } from './meters.js';

/** A span for one call, started now in `parent`, and the observer that ends it and records its duration. */
export function callObserver(tracer: Tracer, meters: Meters, call: CallContext, parent: Context): CallObserver {
  const startedAt = performance.now();
  const attributes: Attributes = {
    'db.system.name': 'etcd',
    'db.operation.name': call.operation,
    'etcdkit.kind': call.kind,
  };
  if (call.partition !== undefined) attributes['etcdkit.partition'] = call.partition;
  if (call.key !== undefined) attributes['etcdkit.key'] = call.key;
  const span = tracer.startSpan(call.operation, { kind: SpanKind.CLIENT, attributes }, parent);
  return {
    attempt(c, error) {
      // A call answered at its first attempt has no attempt event: the span is that attempt.
      if (!error && c.attempt === 1) return;
      const event: Attributes = { 'etcdkit.attempt': c.attempt, ...serverAttributes(c.endpoint) };
      if (error) event['error.type'] = errorType(error);
      span.addEvent('etcdkit.attempt', event);
    },
    retry(info) {
      span.addEvent('etcdkit.retry', { 'etcdkit.attempt': info.attempt, 'error.type': errorType(info.error) });
    },
    end(c, error) {
      const server = serverAttributes(c.endpoint);
      span.setAttributes(server);
      span.setAttribute('etcdkit.attempts', c.attempt);
      let metric: Attributes;
      if (error) {
        const type = errorType(error);
        span.setAttribute('error.type', type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        metric = { ...durationAttributes(c, server, 'error'), 'error.type': type };
      } else {
        metric = durationAttributes(c, server, 'ok');
      }
      span.end();
      meters.duration.record((performance.now() - startedAt) / 1000, metric);
    },
  };
}

// The attributes of a duration point, made once per operation, endpoint, partition and outcome:
// every call of a kind records the same few sets.
const durations = new Map<string, Attributes>();

function durationAttributes(c: CallContext, server: Attributes, outcome: 'ok' | 'error'): Attributes {
  const id = `${c.operation}\0${c.endpoint ?? ''}\0${c.partition ?? ''}\0${outcome}`;
  let attrs = durations.get(id);
  if (!attrs) {
    attrs = { 'db.system.name': 'etcd', 'db.operation.name': c.operation, ...server };
    if (c.partition !== undefined) attrs['etcdkit.partition'] = c.partition;
    attrs['etcdkit.outcome'] = outcome;
    if (durations.size >= 1000) durations.clear(); // a bound, should operation names ever vary freely
    durations.set(id, Object.freeze(attrs));
  }
  return attrs;
}
